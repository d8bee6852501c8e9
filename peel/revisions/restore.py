"""Putting an item back as an old revision holds it, as a draft."""

from collections import defaultdict

from django.db import models
from reversion.models import Version

from peel.publishing import Publishable, Status
from peel.revisions.compare import held_versions
from peel.revisions.record import family


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
