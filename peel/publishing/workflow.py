"""Moving an authored item between states, and who may.

Every change of state goes through here, whatever asked for it (a button on a change form, an action on a list,
an import): a form never sets a state itself. Editors send drafts for review and take them back; only
Publishers (the ``publish_<model>`` permission) approve, schedule, publish and withdraw. A publisher cannot
approve their own edit unless they force it with a written reason, which the audit log flags for a second
publisher to look at.

Acting on an assessment acts on its pillar judgments in the same state too (``PUBLISHED_WITH``), so a page is
reviewed and released whole.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from peel import revisions
from peel.publishing import proposals, releases
from peel.publishing.changes import record_change
from peel.publishing.models import AuditEntry
from peel.publishing.roles import Refused, can_edit, can_publish
from peel.publishing.rule import LIVE_STATES, Status


def with_children(obj, states):
    """``obj`` and the rows published with it that are in one of ``states``."""
    rows = [obj]
    for name in getattr(type(obj), "PUBLISHED_WITH", ()):
        rows += [child for child in getattr(obj, name).all() if child.status in states]
    return rows


@dataclass
class Done:
    """What an action changed, for the message shown afterwards."""

    items: list
    forced: bool = False


def _audit(obj, user, action, detail="", *, needs_review=False):
    return AuditEntry.record(action, user=user, item=obj, detail=detail, needs_review=needs_review)


def _save(rows, comment, user):
    with revisions.recorded(comment, user=user):
        for row in rows:
            row.save(update_fields=["status", "publish_at", "approved_by"])


def _locked(obj):
    """``obj`` as saved now, held until the transaction ends, so two people cannot move it at once."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _require(user, obj, action):
    allowed = can_publish(user, type(obj)) if action == "publish" else can_edit(user, type(obj))
    if not allowed:
        what = "approve, schedule, publish or withdraw" if action == "publish" else "change"
        raise Refused(f"You cannot {what} {obj._meta.verbose_name_plural}: ask a publisher.")


def _refresh_releases(rows):
    for release_id in {row.release_id for row in rows if row.release_id}:
        releases.refresh_by_id(release_id)


@transaction.atomic
def send_for_review(obj, user):
    obj = _locked(obj)
    _require(user, obj, "change")
    if obj.status not in (Status.DRAFT, Status.WITHDRAWN):
        raise Refused(f"“{obj}” is {obj.get_status_display().lower()}: only a draft can be sent for review.")
    rows = with_children(obj, (Status.DRAFT,))
    for row in rows:
        row.status = Status.REVIEW
    _save(rows, "Sent for review", user)
    for row in rows:
        _audit(row, user, AuditEntry.Action.SUBMITTED)
    return Done(rows)


@transaction.atomic
def return_to_draft(obj, user, reason=""):
    """Take an item out of review, or out of its schedule before it goes public, back to a draft."""
    obj = _locked(obj)
    now = timezone.now()
    if obj.is_public_at(now):
        raise Refused(f"“{obj}” is public: withdraw it instead.")
    if obj.status == Status.SCHEDULED:
        _require(user, obj, "publish")
    else:
        _require(user, obj, "change")
    if obj.status not in (Status.REVIEW, Status.SCHEDULED):
        raise Refused(f"“{obj}” is {obj.get_status_display().lower()}, not in review or scheduled.")
    rows = with_children(obj, (obj.status,))
    for row in rows:
        row.status, row.publish_at, row.approved_by = Status.DRAFT, None, None
    _save(rows, "Returned to draft", user)
    for row in rows:
        _audit(row, user, AuditEntry.Action.RETURNED, reason)
    _refresh_releases(rows)
    return Done(rows)


def own_edit(rows, user):
    """Whether ``user`` made the last change to any of ``rows``: approving it would skip the second pair of eyes."""
    return any(row.changed_by_id == user.pk for row in rows)


@transaction.atomic
def approve(obj, user, *, at=None, force_reason="", change_kind="", change_note=""):
    """A publisher's approval of an item in review: it goes public at ``at`` (now when None or past), or with
    its release. A major or minor change note can be recorded with it, dated when the item goes public."""
    obj = _locked(obj)
    _require(user, obj, "publish")
    if obj.status != Status.REVIEW:
        raise Refused(f"“{obj}” is {obj.get_status_display().lower()}: only an item in review can be approved.")
    now = timezone.now()
    rows = with_children(obj, (Status.REVIEW,))
    forced = own_edit(rows, user)
    force_reason = force_reason.strip()
    if forced and not force_reason:
        raise Refused(
            f"You made the last change to “{obj}”, so another publisher must approve it. "
            "If it cannot wait, give a reason for publishing it yourself: it is recorded and flagged for review."
        )
    in_release = obj.release_id is not None
    if in_release:
        if obj.release.is_out:
            raise Refused(f"Its release, “{obj.release}”, has already gone out: take the item out of it first.")
        status, publish_at = Status.SCHEDULED, None
    elif at is None or at <= now:
        status, publish_at = Status.PUBLISHED, now
    else:
        status, publish_at = Status.SCHEDULED, at
    for row in rows:
        row.status, row.publish_at, row.approved_by = status, publish_at, user
        if in_release:
            row.release_id = obj.release_id
    comment = "Approved to go public with its release" if in_release else f"Approved to go public {_moment(publish_at)}"
    with revisions.recorded(comment, user=user):
        for row in rows:
            row.save(update_fields=["status", "publish_at", "approved_by", "release"])
    if in_release:
        action, detail = AuditEntry.Action.APPROVED, f"Goes public with the release “{obj.release}”"
    elif status == Status.PUBLISHED:
        action, detail = AuditEntry.Action.PUBLISHED, "Approved and published"
    else:
        action, detail = AuditEntry.Action.SCHEDULED, f"Approved to go public {_moment(publish_at)}"
    for row in rows:
        _audit(row, user, action, detail)
    if forced:
        _audit(obj, user, AuditEntry.Action.FORCED, force_reason, needs_review=True)
    if change_kind:
        # Dated when it goes public: now, its own time, or its release's time (if set yet).
        when = publish_at or (obj.release.publish_at if in_release else None) or now
        record_change(obj, kind=change_kind, note=change_note, user=user, at=when)
    _refresh_releases(rows)
    return Done(rows, forced=forced)


@transaction.atomic
def withdraw(obj, user, reason):
    """Take a published or scheduled item off the public site. It stays in the admin, withdrawn."""
    obj = _locked(obj)
    _require(user, obj, "publish")
    reason = reason.strip()
    if not reason:
        raise Refused("Say why it is withdrawn: the reason is kept in the audit log.")
    if obj.status not in LIVE_STATES:
        raise Refused(
            f"“{obj}” is {obj.get_status_display().lower()}: only a published or scheduled item can be withdrawn."
        )
    rows = [obj]
    obj.status, obj.publish_at = Status.WITHDRAWN, None
    _save(rows, f"Withdrawn: {reason}", user)
    _audit(obj, user, AuditEntry.Action.WITHDRAWN, reason)
    _refresh_releases(rows)
    return Done(rows)


def note_edit(obj, user):
    """What saving a change to an item that is not public does to its state. An approval is of what was
    approved: a change to an item in review stays in review, but a change to an approved item not yet public
    sends it back to review, so a schedule never carries unreviewed words. (A public item is never changed by
    a save: see ``peel.publishing.proposals``.)"""
    obj.changed_by = user
    if obj.status == Status.SCHEDULED:
        obj.status, obj.publish_at, obj.approved_by = Status.REVIEW, None, None


@transaction.atomic
def approve_change(obj, user, *, force_reason="", change_kind="", change_note=""):
    """Write a public item's proposed change over its live rows: a publisher's decision, and not the
    proposal's author's alone."""
    _require(user, obj, "publish")
    obj = _locked(obj)
    proposal = proposals.pending(obj)
    if proposal is None:
        raise Refused(f"“{obj}” has no proposed change to approve.")
    forced = proposal.made_by_id == user.pk
    force_reason = force_reason.strip()
    if forced and not force_reason:
        raise Refused(
            f"You proposed the change to “{obj}”, so another publisher must approve it. "
            "If it cannot wait, give a reason for publishing it yourself: it is recorded and flagged for review."
        )
    with revisions.recorded(f"Approved change: {proposal.summary}", user=user):
        proposals.write(proposal, obj, changed_by=proposal.made_by)
    summary = proposal.summary
    proposal.delete()
    _audit(obj, user, AuditEntry.Action.CHANGE_APPROVED, summary)
    if forced:
        _audit(obj, user, AuditEntry.Action.FORCED, force_reason, needs_review=True)
    if change_kind:
        record_change(obj, kind=change_kind, note=change_note, user=user, at=timezone.now())
    return Done([obj], forced=forced)


@transaction.atomic
def discard_change(obj, user):
    """Drop a public item's proposed change: its author or a publisher may."""
    proposal = proposals.pending(obj)
    if proposal is None:
        raise Refused(f"“{obj}” has no proposed change.")
    if proposal.made_by_id != user.pk and not can_publish(user, type(obj)):
        raise Refused("Only the person who proposed the change, or a publisher, can discard it.")
    summary = proposal.summary
    proposal.delete()
    _audit(obj, user, AuditEntry.Action.CHANGE_DISCARDED, summary)
    return Done([obj])


def _moment(at):
    return "now" if at is None else f"on {revisions.when(at)}"
