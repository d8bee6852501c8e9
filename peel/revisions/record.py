"""Recording revisions: which models keep them, what each revision holds, and the guard against lost updates."""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

import reversion
from django.db import router, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

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
