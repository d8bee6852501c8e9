"""Changes to a public item, held for a second pair of eyes.

Saving a public item's form never changes the public page. The save is made inside a transaction, what the
item and the rows its form edits (its *family*: an assessment's pillar judgments and their question grades, a
year's pillars) would then be is read back, and the transaction is rolled back. That state is kept as the
item's one ``Proposal``. Its form then shows the proposal, so further edits build on it; the proposal can be
compared with the live page field by field; and a publisher other than its author approves it (or forces it
out with a written reason), which writes it over the live rows as one revision. It can also be discarded.

A proposal changes rows; it never adds or removes them (a new judgment is added as a draft on its own page
and approved there), so the rows it names are always the rows on the live page.
"""

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.utils import timezone

from peel.publishing.models import Proposal
from peel.publishing.rule import Publishable
from peel.revisions import Comparison, family, snapshots_now
from peel.revisions.compare import Snapshot, shown_fields

# What a proposal never carries over the live rows: the publishing state is the workflow's, not the form's.
KEPT_FROM_LIVE = ("status", "publish_at", "release_id", "approved_by_id")


def pending(obj):
    """The item's proposal waiting for approval, or None."""
    return Proposal.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)).first()


def snapshot(obj):
    """The item's family as saved now, serialised."""
    return serializers.serialize("json", family(type(obj)._default_manager.get(pk=obj.pk)))


def store(obj, serialized, summary, user):
    """Keep ``serialized`` as the item's proposal, replacing any earlier one (whose edits it includes)."""
    proposal = pending(obj) or Proposal()
    proposal.point_at(obj)
    proposal.serialized, proposal.summary, proposal.made_by = serialized, summary[:500], user
    proposal.made_at = timezone.now()
    proposal.save()
    return proposal


def proposed_rows(proposal):
    return [found.object for found in serializers.deserialize("json", proposal.serialized)]


def write(proposal, obj, *, changed_by=None):
    """Write the proposal's rows over the live ones, keeping each row's publishing state. Rows the live page
    has lost since (deleted) are not brought back. Call inside a transaction."""
    live = {(type(row), str(row.pk)): row for row in family(obj)}
    for row in proposed_rows(proposal):
        current = live.get((type(row), str(row.pk)))
        if current is None:
            continue
        if isinstance(row, Publishable):
            for name in KEPT_FROM_LIVE:
                setattr(row, name, getattr(current, name))
            row.changed_by_id = changed_by.pk if changed_by else row.changed_by_id
        row.save()


@contextmanager
def shown(proposal, obj):
    """Inside the block the database holds the proposal over the live rows; it is rolled back after, so a form
    can be shown, or saved on top of it, and nothing reaches the public."""
    with transaction.atomic():
        write(proposal, obj)
        yield
        transaction.set_rollback(True)


def compare_with_live(proposal, obj):
    """The live page (older) against the proposal (newer), field by field."""
    root = (type(obj), str(obj.pk))
    proposed = {
        (type(row), str(row.pk)): Snapshot(
            type(row), str(row), {f.attname: f.value_from_object(row) for f in shown_fields(type(row))}
        )
        for row in proposed_rows(proposal)
    }
    return Comparison(snapshots_now(obj), proposed, root)


def describe(comparison):
    """What a proposal changes, in words ("Assessment: Kent 2018/19: HMI’s observations"), or "" for nothing."""
    parts = []
    for item in comparison.items:
        changed = [row.label for row in item.rows if row.changed]
        if changed:
            parts.append(f"{item.title}: {', '.join(changed)}")
    return "; ".join(parts)
