"""Publishing in the admin: each change form's state and buttons, the list's bulk actions, and the page that
asks what an action needs (a time, a reason) before it runs through ``peel.publishing.workflow``.

A form never sets an item's state: the state field is not on it. Saving a public item's form proposes a
change instead of making it (``peel.publishing.proposal_admin``); a publisher approves it.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from peel.publishing import releases, workflow
from peel.publishing.actions import ACTIONS
from peel.publishing.models import AuditEntry
from peel.publishing.preview_admin import make_link_url, may_make_links
from peel.publishing.proposal_admin import SEEN_PROPOSAL, ProposalAdminMixin
from peel.publishing.roles import Refused, can_edit, can_publish
from peel.publishing.rule import Publishable, Status, follow, is_public
from peel.publishing.warnings import warnings_for

MAX_BULK = 500  # items in one bulk action


class WorkflowAdminMixin(ProposalAdminMixin):
    """For the admin of a publishable model. Put it before ``RevisionAdminMixin`` in the bases."""

    change_form_template = "admin/publishing/change_form.html"
    publishing_fields = ["state", "release", "changed_by", "approved_by"]
    actions = ["send_for_review", "approve_selected", "withdraw_selected", "add_to_release", "return_to_draft"]

    # The state, shown.

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        return obj.state_label

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.publishing_fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, ("Publishing", {"fields": self.publishing_fields})]

    def view_on_site(self, obj):
        """The item's public page; staff see an item the public cannot see yet as a preview of it."""
        if not hasattr(obj, "get_absolute_url"):
            return None
        url = obj.get_absolute_url()
        return url if obj.is_public_at(timezone.now()) else f"{url}?preview=1"

    # Who may change what.

    def has_publish_permission(self, request, obj=None):
        return can_publish(request.user, self.model)

    def has_delete_permission(self, request, obj=None):
        # Withdraw a public or approved item, and delete it only once withdrawn, by a publisher.
        withdrawn = obj is not None and obj.status == Status.WITHDRAWN
        if obj is not None and obj.status != Status.DRAFT and not (withdrawn and can_publish(request.user, self.model)):
            return False
        return super().has_delete_permission(request, obj)

    # Saving content.

    def save_model(self, request, obj, form, change):
        if not change or form.has_changed():
            workflow.note_edit(obj, request.user)
        super().save_model(request, obj, form, change)
        if obj.release_id:
            releases.refresh_by_id(obj.release_id)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            child = inline_form.instance
            if hasattr(child, "is_public_at") and inline_form.has_changed():
                workflow.note_edit(child, request.user)
        super().save_formset(request, form, formset, change)

    # The change form's buttons and the action pages.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["publishing_actions"] = [
                (action.label, self._url("publishing", obj.pk, action.name)) for action in self._offered(request, obj)
            ]
            if hasattr(obj, "get_absolute_url") and may_make_links(request.user):
                context["publishing_actions"].append(("Make a preview link", make_link_url(obj)))
            context["publishing_state"] = obj.state_label
            context.setdefault(SEEN_PROPOSAL, "")
            context["publishing_live"] = self._is_live(obj)
            context["publishing_warnings"] = warnings_for(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _offered(self, request, obj):
        now = timezone.now()
        publisher = can_publish(request.user, self.model)
        editor = can_edit(request.user, self.model)
        return [
            action
            for action in ACTIONS.values()
            if action.applies(obj, now) and (publisher if action.needs_publish else editor)
        ]

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("publishing/<slug:action>/", view(self.publishing_view), name=f"{info}_publishing_bulk"),
            path("<path:object_id>/publishing/<slug:action>/", view(self.publishing_view), name=f"{info}_publishing"),
            *super().get_urls(),
        ]

    def _url(self, view, *args):
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"
        return reverse(name, args=args)

    def publishing_view(self, request, action, object_id=None):
        action = ACTIONS.get(action)
        if action is None:
            raise Http404("No such action.")
        if not (can_publish(request.user, self.model) if action.needs_publish else can_edit(request.user, self.model)):
            raise PermissionDenied
        if object_id is not None:
            ids = [unquote(object_id)]
        else:
            ids = [i for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()][:MAX_BULK]
        items = list(self.get_queryset(request).filter(pk__in=ids))
        if not items:
            raise Http404("Choose at least one item.")
        form = action.form(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._run(request, action, items, form)
            if object_id is not None:
                return redirect(self._url("change", items[0].pk))
            return redirect(self._url("changelist"))
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "title": f"{action.label}: {self._count(items)}",
            "subtitle": None,
            "opts": self.opts,
            "action": action,
            "items": [(item, action.applies(item, now)) for item in items],
            "form": form,
            "own_edits": [item for item in items if item.changed_by_id == request.user.pk],
            "cancel_url": self._url("change", items[0].pk) if object_id else self._url("changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/action.html", context)

    def _count(self, items):
        """ "PEEL 2031" for one item, "3 inspection years" for more."""
        if len(items) == 1:
            return str(items[0])
        return f"{len(items)} {self.opts.verbose_name_plural}"

    def _run(self, request, action, items, form):
        done, refusals = [], []
        for item in items:
            try:
                action.run(item, request.user, form)
                done.append(item)
            except Refused as refusal:
                refusals.append(str(refusal))
        if done:
            messages.success(request, f"{action.done}: {self._count(done)}.")
        for refusal in refusals:
            messages.error(request, refusal)

    # Bulk actions on the list: each asks for what it needs on the action page.

    def _bulk(self, request, queryset, name):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:MAX_BULK])
        return redirect(f"{self._url('publishing_bulk', name)}?ids={ids}")

    @admin.action(description="Send selected for review", permissions=["change"])
    def send_for_review(self, request, queryset):
        return self._bulk(request, queryset, "review")

    @admin.action(description="Return selected to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        return self._bulk(request, queryset, "draft")

    @admin.action(description="Approve selected (now or at a time)", permissions=["publish"])
    def approve_selected(self, request, queryset):
        return self._bulk(request, queryset, "approve")

    @admin.action(description="Withdraw selected", permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        return self._bulk(request, queryset, "withdraw")

    @admin.action(description="Add selected to a release", permissions=["publish"])
    def add_to_release(self, request, queryset):
        return self._bulk(request, queryset, "release")


class LiveParentMixin:
    """For rows that are public with an item they belong to (a year's pillars, a pillar's questions, an
    assessment's judgments): read-only to an editor while that item is public, since a change would be public
    at once. ``publishable_parent`` is the dotted path from the admin's object (for an inline, the parent
    form's object) to that item; empty when it is the object itself."""

    publishable_parent = ""

    def _publishable(self, obj):
        item = follow(obj, self.publishable_parent)
        return item if isinstance(item, Publishable) else None

    def _live_for_editor(self, request, obj):
        item = self._publishable(obj)
        return item is not None and is_public(item) and not can_publish(request.user, type(item))

    def save_model(self, request, obj, form, change):
        """A publisher's change here is public at once: recorded and flagged for a second look."""
        super().save_model(request, obj, form, change)
        item = self._publishable(obj)
        if change and form.has_changed() and item is not None and is_public(item):
            detail = f"{obj._meta.verbose_name.capitalize()} “{obj}” changed: {', '.join(form.changed_data)}"
            AuditEntry.record(
                AuditEntry.Action.CHANGED_LIVE, user=request.user, item=item, detail=detail, needs_review=True
            )

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._live_for_editor(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._live_for_editor(request, obj):
            return False
        return super().has_delete_permission(request, obj)


class LiveParentInlineMixin(LiveParentMixin):
    """``LiveParentMixin`` for an inline: no rows added either."""

    def has_add_permission(self, request, obj=None):
        if obj is not None and self._live_for_editor(request, obj):
            return False
        return super().has_add_permission(request, obj)


class WorkflowInlineMixin:
    """For an inline on a publishable item's form. While the item is public its form proposes changes to the
    rows shown, but never adds or removes one (add a new row as a draft on its own page)."""

    def has_add_permission(self, request, obj=None):
        return not is_public(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_public(obj) and super().has_delete_permission(request, obj)
