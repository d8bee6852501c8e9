"""Revisions of what staff write: who saved what, when and why, and a way back to any earlier state.

django-reversion keeps every save made in the admin (and every change the data loader makes) as a revision in
its own tables, so the authored models carry nothing for it. An item's revision also holds the rows its change
form edits with it (an assessment's pillar judgments and their question judgments), so a restore brings the
whole page back as it was.

``RevisionAdminMixin`` gives each change form three things on top of that:

- its history, any two revisions of it compared field by field, or any one compared with what is saved now;
- "Restore as draft": an old revision loaded into the form for review. Saving it records a new revision and
  leaves the item a draft, so restoring never publishes anything by itself;
- a guard against lost updates. The form carries the newest revision it was opened at; if someone has saved
  the item (or a row its form edits) since, the save is refused and nothing is written.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import reversion
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models.signals import post_save
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from peel.publishing import Publishable, Status

LOADED_FROM_FILES = "Loaded from data files"
SEEN_REVISION = "seen_revision"  # the change form's hidden field: the newest revision when it was opened
LIVE = "live"  # in a comparison, what is saved now rather than a revision

# Each registered model's followed relations (reverse foreign keys): the rows saved with it in a revision.
# They are followed here rather than by reversion, which would make a query for each row saved: this makes one
# for each relation, however many rows a data load saves.
_FOLLOWS = {}
# The rows saved inside the innermost recorded() block, or None outside one.
_saved = ContextVar("peel_revisions_saved", default=None)


def register(model, *, follow=()):
    """Keep revisions of ``model``; each one also holds the rows reached through ``follow``, as they are when
    it is recorded."""
    reversion.register(model)
    _FOLLOWS[model] = tuple(follow)
    post_save.connect(_note_saved, sender=model, dispatch_uid=f"peel-revisions-{model._meta.label}")


def _note_saved(sender, instance, **kwargs):
    if (saved := _saved.get()) is not None:
        saved.append(instance)


@contextmanager
def recorded(comment="", *, user=None):
    """Record everything saved inside the block as one revision, in one transaction, with the rows each
    saved row follows (saved or not), so that the revision holds each item whole."""
    with reversion.create_revision():
        reversion.set_comment(comment)
        if user is not None:
            reversion.set_user(user)
        saved = []
        token = _saved.set(saved)
        try:
            yield
        finally:
            _saved.reset(token)
        held = {(type(obj), obj.pk) for obj in saved}
        for member in descendants(saved):
            if (type(member), member.pk) not in held:
                reversion.add_to_revision(member)


def when(moment):
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def restored_comment(revision):
    return f"Restored from the revision of {when(revision.date_created)}"


def descendants(objects):
    """The rows followed from ``objects``, the rows followed from those, and so on, as saved now: a level at
    a time, parents before their children, with one query for each relation at each level."""
    found, level = [], list(objects)
    while level:
        by_model = defaultdict(list)
        for obj in level:
            by_model[type(obj)].append(obj)
        level = []
        for model, parents in by_model.items():
            for name in _FOLLOWS.get(model, ()):
                relation = model._meta.get_field(name)
                level += relation.related_model._default_manager.filter(**{f"{relation.field.name}__in": parents})
        found += level
    return found


def family(obj):
    """``obj`` and every row a revision of it holds with it, as saved now, parents before their children."""
    return [obj, *descendants([obj])]


def latest_revision(obj):
    """The newest revision holding ``obj`` or any row its change form edits with it, or None."""
    return _newest_revision(family(obj))


def _newest_revision(rows):
    ids = defaultdict(list)
    for row in rows:
        ids[type(row)].append(str(row.pk))
    versions = Version.objects.none()
    for model, object_ids in ids.items():
        versions |= Version.objects.get_for_model(model).filter(object_id__in=object_ids)
    newest = versions.select_related("revision__user").order_by("-revision_id").first()
    return newest.revision if newest else None


def stale_save_message(obj, seen, user):
    """Why a save of ``obj`` from a form opened at revision ``seen`` must be refused, or None if it may go on.

    ``seen`` is the hidden field's text: a revision id, or empty when the item had no revision yet.
    """
    rows = family(obj)
    if transaction.get_connection(router.db_for_write(type(obj))).in_atomic_block:
        # Hold the rows until this save commits, so that two saves cannot both pass the check.
        by_model = defaultdict(list)
        for row in rows:
            by_model[type(row)].append(row.pk)
        for model, pks in by_model.items():
            list(model._default_manager.select_for_update().filter(pk__in=pks).order_by().values_list("pk", flat=True))
    latest = _newest_revision(rows)
    if latest is None or str(latest.pk) == seen.strip():
        return None
    moment = timezone.localtime(latest.date_created)
    at = date_format(moment, "H:i")
    if moment.date() != timezone.localdate():
        at = f"{at} on {date_format(moment, 'j F Y')}"
    name = obj._meta.verbose_name
    if latest.user_id is not None and latest.user_id == user.pk:
        saved = f"You saved this {name} again at {at}, in another window or tab."
    elif latest.user is not None:
        saved = f"Someone else saved this {name} at {at} ({latest.user.get_full_name() or latest.user.get_username()})."
    else:
        saved = f"This {name} was changed at {at} ({latest.get_comment() or 'no name recorded'})."
    return f"{saved} Your changes were not saved: copy them, reload the page and make them again."


# Comparing two states of an item field by field.


@dataclass
class Snapshot:
    """One row as a revision holds it, or as it is saved now: its label and its values by attribute name."""

    model: type
    label: str
    values: dict


@dataclass
class FieldRow:
    label: str
    older: str
    newer: str
    changed: bool


@dataclass
class ItemComparison:
    """One row of the item (the item itself, or a row saved with it) in both states."""

    title: str
    state: str  # "changed", "unchanged", "added" or "removed"
    rows: list = field(default_factory=list)


def shown_fields(model):
    """The fields a person edits (not the primary key, nor stamps such as ``updated_at``)."""
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key]


def held_versions(version):
    """``version`` and the versions of the rows followed from it that its revision holds, parents first.

    A revision may hold more than this item (the data loader's holds everything it loaded; an assessment's
    holds all its judgments), so only the item's own rows are picked out.
    """
    by_model = defaultdict(list)
    for member in version.revision.version_set.all():
        by_model[member._model].append(member)
    found = []

    def walk(member):
        found.append(member)
        for name in _FOLLOWS.get(member._model, ()):
            relation = member._model._meta.get_field(name)
            for child in by_model[relation.related_model]:
                if str(child.field_dict.get(relation.field.attname)) == member.object_id:
                    walk(child)

    walk(version)
    return found


def snapshots_from_revision(version):
    """The item's rows as ``version``'s revision holds them, keyed (model, object id)."""
    return {
        (member._model, member.object_id): Snapshot(member._model, member.object_repr, member.field_dict)
        for member in held_versions(version)
    }


def snapshots_now(obj):
    return {
        (type(member), str(member.pk)): Snapshot(
            type(member), str(member), {f.attname: f.value_from_object(member) for f in shown_fields(type(member))}
        )
        for member in family(obj)
    }


class Comparison:
    """Two states of an item (older and newer) side by side: the item's every field, marking what changed,
    then each row saved with it that was added, removed or changed between the two."""

    def __init__(self, older, newer, root):
        self._labels = {}
        self.items = []
        self.unchanged_rows = 0
        keys = [root, *(k for k in newer if k != root), *(k for k in older if k not in newer and k != root)]
        for key in keys:
            item = self._item(key[0], older.get(key), newer.get(key), is_root=key == root)
            if item.state == "unchanged" and key != root:
                self.unchanged_rows += 1
            else:
                self.items.append(item)

    @property
    def changed(self):
        return any(item.state != "unchanged" for item in self.items)

    def _item(self, model, before, after, *, is_root):
        present = after or before
        state = "added" if before is None else "removed" if after is None else "unchanged"
        rows = []
        for f in shown_fields(model):
            old = before.values.get(f.attname) if before else None
            new = after.values.get(f.attname) if after else None
            changed = _comparable(old) != _comparable(new)
            if changed and state == "unchanged":
                state = "changed"
            if is_root or changed:
                rows.append(FieldRow(capfirst(f.verbose_name), self._show(f, old), self._show(f, new), changed))
        return ItemComparison(f"{capfirst(model._meta.verbose_name)}: {present.label}", state, rows)

    def _show(self, f, value):
        if value is None or value == "":
            return ""
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if f.is_relation:
            return self._related_label(f.related_model, value)
        if isinstance(f, models.BooleanField):
            return "Yes" if value else "No"
        if isinstance(f, models.DateField):
            return date_format(value, "j F Y")
        return str(value)

    def _related_label(self, model, pk):
        key = (model, pk)
        if key not in self._labels:
            related = model._default_manager.filter(pk=pk).first()
            self._labels[key] = str(related) if related else f"{model._meta.verbose_name} {pk} (since deleted)"
        return self._labels[key]


def _comparable(value):
    # A browser sends a text area's line breaks as CRLF; text loaded from files has LF. Neither is a change.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def compare(obj, older, newer=None):
    """Compare revision ``older`` of ``obj`` with revision ``newer``, or with what is saved now."""
    root = (type(obj), str(obj.pk))
    after = snapshots_from_revision(newer) if newer else snapshots_now(obj)
    return Comparison(snapshots_from_revision(older), after, root)


def restore(obj, version):
    """Put ``obj`` and the rows saved with it back as ``version``'s revision holds them, leaving every other
    row alone. A row first recorded after that revision was added since, and is deleted; a row that revision
    should have held but did not (one made before revisions were kept) is left as it is. Nothing is
    published by it: the item becomes a draft, each of its rows keeps the status it has now, and a row
    brought back from deletion is a draft.

    Call it inside a transaction: a refusal (a row now protected or clashing) leaves it to be rolled back.
    """
    held = held_versions(version)
    now = family(obj)
    states = {(type(m), str(m.pk)): _publishing_state(m) for m in now if isinstance(m, Publishable)}
    keep = {(member._model, member.object_id) for member in held}
    others = [m for m in now if (type(m), str(m.pk)) not in keep]
    added_since = {key for key, first in _first_recorded(others).items() if first > version.revision_id}
    for member in reversed(others):  # children before their parents
        if (type(member), str(member.pk)) in added_since:
            member.delete()
    for member in held:
        member.revert()
        if issubclass(member._model, Publishable):
            key = (member._model, member.object_id)
            state = DRAFT_STATE if member is version else states.get(key, DRAFT_STATE)
            member._model._default_manager.filter(pk=member.object_id).update(**state)


# A restored item, and a row brought back from deletion, is a draft: approved by nobody, in no release.
DRAFT_STATE = {"status": Status.DRAFT, "publish_at": None, "approved_by": None, "release": None}


def _publishing_state(row):
    """A row's publishing fields as they are now, kept through a restore of the item it belongs to."""
    return {name: getattr(row, name) for name in ("status", "publish_at", "approved_by_id", "release_id")}


def _first_recorded(rows):
    """The first revision to hold each of ``rows`` that has one, keyed (model, object id)."""
    ids = defaultdict(list)
    for row in rows:
        ids[type(row)].append(str(row.pk))
    return {
        (model, object_id): first
        for model, object_ids in ids.items()
        for object_id, first in Version.objects.get_for_model(model)
        .filter(object_id__in=object_ids)
        .values_list("object_id")
        .annotate(first=models.Min("revision_id"))
        .order_by()
    }


# The admin.


class _ShownNotSaved(Exception):
    def __init__(self, response):
        self.response = response


class RevisionAdminMixin(VersionAdmin):
    """History, comparison, "Restore as draft" and the lost-update guard for a model's admin.

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
