"""Public change notes: what changed on a page already public, as its readers are told.

A publisher approving a change to a public item says whether it is major (with a note, as in “Effectiveness
grade corrected”) or minor (a typo, a link). A major note is shown on the item's page in its list of changes,
moves the page's “last updated” date and has its own entry in the Atom feed, all from the moment the change
goes public (``made_at``); a minor note is kept for staff and never shown.

Readers see a note only when its item is public as well: ``public_notes`` trusts its caller for that (pass
only items read through a ``published()`` queryset), and ``published_notes`` checks it in the database.
"""

import datetime

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from peel.caching.kept import keeping, kept
from peel.publishing.models import ChangeNote

NOTE_LENGTH = ChangeNote._meta.get_field("note").max_length


def record_change(obj, *, kind, note, user, at):
    """Record a change to ``obj`` that goes public at ``at`` (its publish time; None for now). ``kind`` is
    "major" or "minor" (``ChangeNote.Kind``); ``note`` says what changed, and a major change must say it.
    Raises ValueError, naming the fault, for a missing or too long note or an unknown kind."""
    try:
        kind = ChangeNote.Kind(kind)
    except ValueError:
        raise ValueError(f"A change is major or minor, not “{kind}”.") from None
    note = (note or "").strip()
    if kind == ChangeNote.Kind.MAJOR and not note:
        raise ValueError("A major change needs a note saying what changed: it is shown on the page and in the feed.")
    if len(note) > NOTE_LENGTH:
        raise ValueError(f"A change note is at most {NOTE_LENGTH} characters; this one has {len(note)}.")
    if obj.pk is None:
        raise ValueError("Only a saved item can have a change note.")
    change = ChangeNote(kind=kind, note=note, user=user, made_at=at or timezone.now())
    change.point_at(obj)
    change.save()
    return change


def _shown(now):
    """Major notes whose time has come, newest first, each with its content type (read in the same query)."""
    return (
        ChangeNote.objects.filter(kind=ChangeNote.Kind.MAJOR, made_at__lte=now or timezone.now())
        .select_related("content_type")
        .order_by("-made_at", "-pk")
    )


def _of_type(model, ids):
    # Matched on the content type's names rather than its id, so no content type lookup costs a query.
    opts = model._meta.concrete_model._meta
    return Q(content_type__app_label=opts.app_label, content_type__model=opts.model_name, object_id__in=ids)


def public_notes(items, now=None):
    """The major notes about ``items`` (say an assessment and its pillar judgments) that are public at ``now``,
    newest first, as a list. One query however many items there are; none for no items, nor (with site facts
    kept, ``peel.caching.kept``) when none of them has a note.

    The caller must pass only items the public can see now: a note about an item that is not public must not
    be shown, and this does not check it. Read the items through their ``published()`` querysets.
    """
    if not items:
        return []
    ids = {}
    noted = _noted() if now is None and keeping() else None  # kept, or not worth a query of its own
    for item in items:
        model = item._meta.concrete_model
        if noted is None or (model._meta.app_label, model._meta.model_name, str(item.pk)) in noted:
            ids.setdefault(model, set()).add(str(item.pk))
    if not ids:
        return []
    about = Q()
    for model, keys in ids.items():
        about |= _of_type(model, sorted(keys))
    return list(_shown(now).filter(about))


def _noted():
    """Every item with a major note shown now, as (app label, model name, object id): kept per content token,
    so that the many pages with no note about them ask nothing (the token turns over when a note's time
    comes)."""
    return kept("noted items", _noted_items)


def _noted_items():
    notes = _shown(None).order_by().values_list("content_type__app_label", "content_type__model", "object_id")
    return frozenset(notes)


def published_notes(*querysets, now=None):
    """A queryset of the major notes public at ``now``, newest first, about any item in ``querysets`` (each a
    model's ``published()`` queryset, so the database checks that the item is public). For listings such as
    the feed, where the items are not at hand."""
    about = Q(pk__in=[])
    for queryset in querysets:
        keys = queryset.annotate(_note_key=Cast("pk", CharField())).order_by().values("_note_key")
        about |= _of_type(queryset.model, keys)
    return _shown(now).filter(about)


def is_about(note, item):
    """Whether ``note`` (from ``public_notes``) is about ``item``."""
    opts = item._meta.concrete_model._meta
    kind = note.content_type
    return (
        kind is not None
        and (kind.app_label, kind.model) == (opts.app_label, opts.model_name)
        and note.object_id == str(item.pk)
    )


def last_updated(notes, own=None):
    """When a page last changed for its readers: the newest of ``notes`` (from ``public_notes``, newest first)
    or the page's ``own`` date (a date or a datetime, or None), whichever is later; None when it has neither.

    Minor changes never move it: a page's own record of when it was saved would tell of those too.
    """
    if not notes:
        return own
    newest = notes[0].made_at
    if own is None:
        return newest
    if isinstance(own, datetime.datetime):
        return max(newest, own)
    return newest if timezone.localdate(newest) >= own else own
