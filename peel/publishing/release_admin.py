"""Releases and the audit log in the admin."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from peel.publishing import forms, releases
from peel.publishing.models import AuditEntry, Release
from peel.publishing.roles import Refused, can_publish


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "publish_at", "state_shown"]
    list_filter = ["state"]
    search_fields = ["title", "notes"]
    fields = ["title", "notes", "publish_at", "state_shown", "created_by", "scheduled_by"]
    readonly_fields = ["publish_at", "state_shown", "created_by", "scheduled_by"]
    change_form_template = "admin/publishing/release_change_form.html"

    def get_queryset(self, request):
        releases.settle_due()  # record as gone out every release whose time has come
        return super().get_queryset(request)

    @admin.display(description="state")
    def state_shown(self, obj):
        if obj.is_out:
            return "Gone out"
        if obj.state == Release.State.SCHEDULED:
            return "Scheduled and ready" if obj.ready else "Scheduled, held: not every item is approved"
        return obj.get_state_display()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_publish_permission(self, request, obj=None):
        return can_publish(request.user, Release)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            now = timezone.now()
            context["release_items"] = [
                (item, item.is_approved, self._item_url(item), item._meta.verbose_name) for item in releases.items(obj)
            ]
            context["release_blockers"] = releases.blockers(obj)
            context["release_missed"] = (
                obj.state == Release.State.SCHEDULED and not obj.ready and obj.publish_at and obj.publish_at <= now
            )
            context["release_can_act"] = can_publish(request.user, Release) and not obj.is_out
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _item_url(self, item):
        opts = item._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[item.pk])

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/schedule/", view(self.schedule_view), name="peel_release_schedule"),
            path("<path:object_id>/hold/", view(self.hold_view), name="peel_release_hold"),
            *super().get_urls(),
        ]

    def schedule_view(self, request, object_id):
        return self._act(request, object_id, forms.ScheduleReleaseForm, "Schedule", self._schedule)

    def hold_view(self, request, object_id):
        return self._act(request, object_id, forms.HoldReleaseForm, "Hold", self._hold)

    def _schedule(self, request, release, form):
        held = releases.schedule(release, form.cleaned_data["at"], request.user)
        if held:
            names = ", ".join(str(item) for item in held)
            messages.warning(request, f"Scheduled, but it will not go out unless these are approved first: {names}.")
        else:
            messages.success(request, "Scheduled: every item is approved, so all of them go out at that time.")

    def _hold(self, request, release, form):
        releases.hold(release, request.user, form.cleaned_data["reason"])
        messages.success(request, "Held: nothing in it goes out until it is scheduled again.")

    def _act(self, request, object_id, form_class, label, run):
        release = self.get_object(request, unquote(object_id))
        if release is None:
            raise Http404
        if not can_publish(request.user, Release):
            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run(request, release, form)
            except Refused as refusal:
                messages.error(request, str(refusal))
            return redirect(reverse(f"{self.admin_site.name}:peel_release_change", args=[release.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: {release}",
            "subtitle": None,
            "opts": self.opts,
            "release": release,
            "form": form,
            "label": label,
            "blockers": releases.blockers(release),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/release_action.html", context)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: entries are written by the actions themselves and never changed, except to say a forced
    publication has been looked at."""

    list_display = ["at", "action", "object_repr", "username", "detail", "needs_review", "reviewed_by"]
    list_filter = ["action", "needs_review", "content_type", "username"]
    search_fields = ["object_repr", "username", "detail"]
    date_hierarchy = "at"
    list_select_related = ["reviewed_by"]
    actions = ["mark_reviewed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_publish_permission(self, request):
        return can_publish(request.user, Release)

    @admin.action(description="Mark forced publications as looked at", permissions=["publish"])
    def mark_reviewed(self, request, queryset):
        mine = queryset.filter(needs_review=True, user=request.user).count()
        marked = (
            queryset.filter(needs_review=True)
            .exclude(user=request.user)
            .update(needs_review=False, reviewed_by=request.user, reviewed_at=timezone.now())
        )
        if marked:
            messages.success(request, f"Marked as looked at: {marked}.")
        if mine:
            messages.error(request, f"{mine} of them are your own: another publisher must look at those.")
