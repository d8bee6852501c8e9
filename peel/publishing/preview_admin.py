"""Preview links in the admin: a publisher makes one for an item's page, sends its address to someone without
an account (a force's fact-checker), and revokes it when it is no longer needed.

A link is made from an item, with ``make_link(request, obj)``: any ModelAdmin can offer it from a route of
its own, or link to ``make_link_url(obj)``, the route this admin keeps for every publishable item. The list's
"Add preview link" takes a page's address instead. Making a link needs ``peel.add_previewlink`` and revoking
one ``peel.change_previewlink`` (the Publishers group has both), whatever the route, crafted POSTs included.
A link is never edited or deleted: it expires or is revoked, and the audit log records both its making and
its revocation.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, Resolver404, path, resolve, reverse
from django.utils import timezone
from django.utils.html import format_html

from peel.publishing.models import AuditEntry, PreviewLink
from peel.publishing.preview import address_of
from peel.publishing.rule import Publishable, Status

DEFAULT_DAYS = 7
MAX_DAYS = 30
ADD = "peel.add_previewlink"
REVOKE = "peel.change_previewlink"

# The public pages a link can be made for from their address: the URL's name, the item's model, and how the
# address's parts find it.
PAGES = {
    "inspections:year-detail": ("inspections.InspectionYear", {"slug": "year"}),
    "inspections:assessment-detail": ("inspections.Assessment", {"force__slug": "force", "year__slug": "year"}),
    "inspections:pillar-detail": (
        "inspections.PillarJudgment",
        {"assessment__force__slug": "force", "assessment__year__slug": "year", "pillar__slug": "pillar"},
    ),
    "consultations:consultation-detail": ("consultations.Consultation", {"slug": "slug"}),
}


def may_make_links(user):
    return user.is_active and user.is_staff and user.has_perm(ADD)


def may_revoke(user):
    return user.is_active and user.is_staff and user.has_perm(REVOKE)


def make_link_url(obj, site=admin.site):
    """The admin address of the page making a preview link for ``obj``: for a button on its change form."""
    content_type = ContentType.objects.get_for_model(obj)
    return reverse(f"{site.name}:peel_previewlink_make", args=[content_type.pk, obj.pk])


def why_no_link(obj):
    """Why ``obj`` cannot have a preview link, in words for a publisher; None when it can."""
    if not isinstance(obj, Publishable):
        return "Only an item that is published through the workflow can have a preview link."
    if obj.status == Status.WITHDRAWN:
        return "It is withdrawn: a withdrawn item is never shown, not even in a preview."
    if not page_of(obj):
        return "It has no page of its own on this site: make a link for the page it appears on instead."
    return None


def page_of(obj):
    try:
        url = obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return None
    return url if isinstance(url, str) and url.startswith("/") and not url.startswith("//") else None


def state_of(link, now=None):
    now = now or timezone.now()
    if link.revoked_at is not None:
        return "Revoked"
    return "Valid" if link.is_valid_at(now) else "Expired"


@transaction.atomic
def create_link(obj, *, user, made_for, days):
    """A new link to ``obj``'s page for ``days`` days, recorded in the audit log."""
    now = timezone.now()
    link = PreviewLink(
        path=page_of(obj), made_for=made_for, created_by=user, created_at=now, expires_at=now + timedelta(days=days)
    )
    link.point_at(obj)
    link.save()
    detail = f"For {made_for}, for {days} day{'s' if days != 1 else ''}: {link.path}"
    AuditEntry.record(AuditEntry.Action.PREVIEW_LINK, user=user, item=obj, detail=detail)
    return link


@transaction.atomic
def revoke(links, user):
    """Revoke each link not revoked already, recording each in the audit log; how many were."""
    now = timezone.now()
    done = 0
    for link in PreviewLink.objects.select_for_update().filter(pk__in=[link.pk for link in links], revoked_at=None):
        link.revoked_at, link.revoked_by = now, user
        link.save(update_fields=["revoked_at", "revoked_by"])
        entry = AuditEntry(
            user=user,
            username=user.get_username(),
            action=AuditEntry.Action.PREVIEW_REVOKED,
            detail=f"The link for {link.made_for}: {link.path}",
        )
        item = link.item
        if item is not None:
            entry.point_at(item)
        else:  # the item was deleted: the link still says what it was
            entry.content_type, entry.object_id, entry.object_repr = link.content_type, link.object_id, link.object_repr
        entry.save()
        done += 1
    return done


class LinkForm(forms.Form):
    made_for = forms.CharField(
        label="Who it is for",
        max_length=200,
        help_text="As in “Kent Police fact-checker”. They see this on the page, and it is in the list of links.",
    )
    days = forms.IntegerField(
        label="Days it works for",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"From 1 to {MAX_DAYS}. It can be revoked sooner.",
    )


class AddressForm(LinkForm):
    address = forms.CharField(
        label="Page address",
        max_length=500,
        help_text="The address of the item’s page on this site, as in /forces/kent/2016/ or the full address.",
    )
    field_order = ["address", "made_for", "days"]

    def __init__(self, *args, host, **kwargs):
        super().__init__(*args, **kwargs)
        self.host = host
        self.item = None

    def clean_address(self):
        parts = urlsplit(self.cleaned_data["address"].strip())
        if parts.netloc and parts.netloc != self.host:
            raise forms.ValidationError(f"Give an address on this site ({self.host}).")
        self.item = item_at(parts.path) or item_at(f"{parts.path.rstrip('/')}/")  # "/forces/kent/2016" too
        if self.item is None:
            raise forms.ValidationError("No item has a page at that address. Copy it from the item’s page.")
        problem = why_no_link(self.item)
        if problem:
            raise forms.ValidationError(problem)
        return page_of(self.item)


def item_at(address):
    """The item whose page is at ``address``, whatever its state; None if no item's page is there."""
    try:
        match = resolve(address)
    except Resolver404:
        return None
    if match.view_name not in PAGES:
        return None
    model_name, lookups = PAGES[match.view_name]
    model = apps.get_model(model_name)
    item = model._default_manager.filter(**{field: match.kwargs[part] for field, part in lookups.items()}).first()
    return item if item is not None and page_of(item) == address else None


def _page(request, template, context, site=admin.site):
    request.current_app = site.name
    context = {**site.each_context(request), "opts": PreviewLink._meta, **context}
    return TemplateResponse(request, f"admin/peel/previewlink/{template}", context)


def _made(request, link, site=admin.site):
    messages.success(request, f"Preview link made for {link.made_for}. Copy its address below and send it to them.")
    return redirect(reverse(f"{site.name}:peel_previewlink_change", args=[link.pk]))


def make_link(request, obj, *, site=admin.site):
    """The page making a preview link for ``obj`` (GET), or making it (POST): for any ModelAdmin's route. Only
    for whoever may add preview links and see ``obj``'s kind of item; anyone else gets a 403."""
    if not may_make_links(request.user):
        raise PermissionDenied
    opts = type(obj)._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise PermissionDenied
    problem = why_no_link(obj)
    form = LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and problem is None and form.is_valid():
        link = create_link(obj, user=request.user, **form.cleaned_data)
        return _made(request, link, site)
    context = {"title": "Make a preview link", "subtitle": str(obj), "item": obj, "page": page_of(obj)}
    return _page(request, "make_link.html", {**context, "form": form, "problem": problem}, site)


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        now = timezone.now()
        return {
            "valid": queryset.filter(revoked_at=None, expires_at__gt=now),
            "expired": queryset.filter(Q(expires_at__lte=now), revoked_at=None),
            "revoked": queryset.exclude(revoked_at=None),
        }.get(self.value(), queryset)


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """The links made: each one's state, the address to send while it works, and revoking."""

    list_display = ["object_repr", "made_for", "state", "expires_at", "created_by", "created_at"]
    list_filter = [StateFilter]
    search_fields = ["object_repr", "made_for", "path"]
    list_select_related = ["created_by"]
    fields = ["object_repr", "path", "made_for", "state", "created_by", "created_at", "expires_at"]
    readonly_fields = ["state", "revoked_at", "revoked_by"]
    actions = ["revoke_links"]

    # Never edited nor deleted: a link expires or is revoked.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return may_revoke(request.user)

    def get_fields(self, request, obj=None):
        return [*self.fields, "revoked_at", "revoked_by"] if obj is not None and obj.revoked_at else self.fields

    @admin.display(description="State")
    def state(self, link):
        return state_of(link)

    def get_list_display(self, request):
        now = timezone.now()
        revoking = may_revoke(request.user)

        @admin.display(description="Address to send")
        def address(link):
            if not link.is_valid_at(now):
                return "–"
            return format_html(
                '<input type="text" class="vTextField" readonly value="{}" aria-label="Address to send to {}">',
                address_of(link, request),
                link.made_for,
            )

        @admin.display(description="")
        def revoke_button(link):
            if link.revoked_at is not None or not revoking:
                return ""
            return format_html('<a href="{}">Revoke</a>', self._url("revoke", link.pk))

        return [*self.list_display, address, revoke_button]

    def _url(self, view, *args):
        return reverse(f"{self.admin_site.name}:peel_previewlink_{view}", args=args)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("make/<int:content_type>/<str:object_id>/", view(self.make_view), name="peel_previewlink_make"),
            path("<path:object_id>/revoke/", view(self.revoke_view), name="peel_previewlink_revoke"),
            *super().get_urls(),
        ]

    def make_view(self, request, content_type, object_id):
        if not may_make_links(request.user):
            raise PermissionDenied
        content_type = get_object_or_404(ContentType, pk=content_type)
        model = content_type.model_class()
        if model is None or not issubclass(model, Publishable):
            raise Http404("Preview links are for publishable items.")
        obj = get_object_or_404(model._default_manager, pk=unquote(object_id))
        return make_link(request, obj, site=self.admin_site)

    def add_view(self, request, form_url="", extra_context=None):
        """A link for the page at an address: the list's "Add preview link"."""
        if not (self.has_add_permission(request) and may_make_links(request.user)):
            raise PermissionDenied
        form = AddressForm(request.POST if request.method == "POST" else None, host=request.get_host())
        if request.method == "POST" and form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ("made_for", "days")}
            link = create_link(form.item, user=request.user, **fields)
            return _made(request, link, self.admin_site)
        context = {"title": "Make a preview link", "subtitle": None, "form": form, "problem": None}
        return _page(request, "make_link.html", context, self.admin_site)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        link = self.get_object(request, unquote(object_id))
        extra = {}
        if link is not None:
            revocable = link.revoked_at is None and may_revoke(request.user)
            extra = {
                "preview_address": address_of(link, request) if link.is_valid_at(timezone.now()) else None,
                "revoke_url": self._url("revoke", link.pk) if revocable else None,
                "item_admin_url": _admin_url(link, self.admin_site),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def revoke_view(self, request, object_id):
        if not may_revoke(request.user):
            raise PermissionDenied
        link = get_object_or_404(PreviewLink, pk=unquote(object_id))
        if request.method == "POST":
            if revoke([link], request.user):
                messages.success(request, f"Revoked: {link}. It no longer works.")
            else:
                messages.info(request, "That link was revoked already.")
            return redirect(self._url("changelist"))
        context = {"title": "Revoke this preview link?", "subtitle": None, "link": link, "state": state_of(link)}
        return _page(request, "revoke.html", context, self.admin_site)

    @admin.action(description="Revoke selected preview links", permissions=["revoke"])
    def revoke_links(self, request, queryset):
        done = revoke(list(queryset), request.user)
        messages.success(request, f"Revoked {done} link{'s' if done != 1 else ''}. They no longer work.")


def _admin_url(link, site):
    if link.content_type is None:
        return None
    kind = link.content_type
    try:
        return reverse(f"{site.name}:{kind.app_label}_{kind.model}_change", args=[link.object_id])
    except NoReverseMatch:
        return None
