"""The admin's history, comparison, "Restore as draft" and lost-update guard (``RevisionAdminMixin``)."""

from contextlib import contextmanager

import reversion
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from peel.authored_text import AuthoredTextAdminMixin
from peel.publishing import Publishable, Status
from peel.revisions.compare import compare
from peel.revisions.record import (
    LIVE,
    SEEN_REVISION,
    latest_revision,
    recorded,
    restored_comment,
    stale_save_message,
    when,
)
from peel.revisions.restore import restore


class _ShownNotSaved(Exception):
    def __init__(self, response):
        self.response = response


class RevisionAdminMixin(AuthoredTextAdminMixin, VersionAdmin):
    """History, comparison, "Restore as draft" and the lost-update guard for a model's admin; and, as for every
    authored model's admin, text fields that refuse control characters (``peel.authored_text``).

    Register the model with ``register()`` before its admin class is built. A model that needs its own change
    form template should extend ``admin/revisions/change_form.html``, which carries the revision the form was
    opened at.
    """

    history_latest_first = True
    change_form_template = "admin/revisions/change_form.html"
    object_history_template = "admin/revisions/object_history.html"
    revision_form_template = "admin/revisions/revision_form.html"
    change_list_template = None  # keep Django's own lookup, so a model's change list template still applies

    _restoring = "_peel_restoring_version"  # set on the request while a restore is under way

    # Restoring an old revision as a draft.

    @property
    def restores_as_draft(self):
        return issubclass(self.model, Publishable)

    @contextmanager
    def create_revision(self, request):
        with recorded(user=request.user):
            yield
            # Only reached when the save went through: a restore form shown again is rolled back.
            restoring = getattr(request, self._restoring, None)
            if restoring is not None:
                reversion.set_comment(restored_comment(restoring.revision))

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Publishable) and getattr(request, self._restoring, None):
            obj.status, obj.publish_at, obj.approved_by, obj.release = Status.DRAFT, None, None, None
        super().save_model(request, obj, form, change)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """The change form holding an old revision, for review; saving it restores that revision.

        The item is put back as the revision had it inside a transaction: showing the form rolls that back,
        and a save keeps it only if the form is accepted (reversion's own view reverts the whole revision,
        which can hold other items too).
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj).select_related("revision__user"), pk=version_id)
        setattr(request, self._restoring, version)
        context = {
            "title": f"{'Restore as draft' if self.restores_as_draft else 'Restore'}: {obj}",
            "restoring": version.revision,
            "restores_as_draft": self.restores_as_draft,
            **(extra_context or {}),
        }
        try:
            with transaction.atomic(using=version.db):
                restore(obj, version)
                with self.create_revision(request):
                    response = self.changeform_view(request, object_id, request.path, context)
                    if request.method != "POST" or response.status_code != 302:
                        # The form, first shown or refused: put nothing back.
                        if isinstance(response, TemplateResponse):
                            response.template_name = self.revision_form_template
                            response.render()
                        raise _ShownNotSaved(response)
        except _ShownNotSaved as shown:
            return shown.response
        except (RevertError, models.ProtectedError, IntegrityError) as error:
            messages.error(request, f"This revision cannot be restored: {error}")
            return redirect(self._url("history", object_id))
        return response

    def get_urls(self):
        compare_url = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_compare",
        )
        # Recovering a deleted item would bring back its whole revision, other items too: not offered.
        kept = [url for url in super().get_urls() if not str(url.name or "").endswith(("_recover", "_recoverlist"))]
        return [compare_url, *kept]

    # The guard against lost updates.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            if request.method == "POST" and SEEN_REVISION in request.POST:
                # Shown again after a refusal: keep the revision the form was opened at, so it stays refused.
                context[SEEN_REVISION] = request.POST[SEEN_REVISION]
            else:
                latest = latest_revision(obj)
                context[SEEN_REVISION] = latest.pk if latest else ""
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not change or obj is None or request.method != "POST" or SEEN_REVISION not in request.POST:
            return form
        seen = request.POST[SEEN_REVISION]

        class GuardedForm(form):
            def clean(self):
                cleaned_data = super().clean()
                if message := stale_save_message(obj, seen, request.user):
                    raise ValidationError(message, code="stale")
                return cleaned_data

        GuardedForm.__name__ = form.__name__
        return GuardedForm

    # History and comparison.

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        revisions = []
        if obj is not None and self.has_view_or_change_permission(request, obj):
            versions = Version.objects.get_for_object(obj).select_related("revision__user")
            revisions = [
                {"version": version, "restore_url": self._url("revision", object_id, version.pk)}
                for version in versions.order_by(*self.get_version_ordering(request))
            ]
        context = {
            "revisions": revisions,
            "compare_url": self._url("compare", object_id),
            "can_restore": obj is not None and self.has_change_permission(request, obj),
            "restores_as_draft": self.restores_as_draft,
            "live": LIVE,
        }
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def _url(self, view, *args):
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def compare_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        older = self._chosen_version(versions, request.GET.get("older"))
        newer = None if request.GET.get("newer", LIVE) == LIVE else self._chosen_version(versions, request.GET["newer"])
        if newer is not None and newer.revision_id < older.revision_id:
            older, newer = newer, older
        can_restore = self.has_change_permission(request, obj)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare revisions: {obj}",
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "older": older,
            "newer": newer,
            "older_when": when(older.revision.date_created),
            "newer_when": when(newer.revision.date_created) if newer else None,
            "comparison": compare(obj, older, newer),
            "restore_url": self._url("revision", object_id, older.pk) if can_restore else None,
            "restores_as_draft": self.restores_as_draft,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/compare.html", context)

    @staticmethod
    def _chosen_version(versions, version_id):
        if not (version_id or "").isdigit():
            raise Http404("Choose a revision to compare.")
        return get_object_or_404(versions, pk=version_id)
