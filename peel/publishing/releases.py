"""Releases: items that go public together at one time, or not at all.

An item joins a release and waits there, approved or not. A publisher schedules the release for a time. While
every item in it is approved and the time is still ahead, the release is *ready*: each item carries the
release's time as its own ``publish_at``, so the public rule (``peel.publishing.rule``) shows them all when
the time comes, with nothing to run. While any item is not approved, no item carries a time, so none can go
public; the admin names the items that hold it.

Once the time has come for a ready release it has gone out: its items are published, and changing one of them
afterwards is a change to a live page, not to the release. A release whose time passes while it is held does
not go out late by itself: a publisher gives it a new time.
"""

from django.db import transaction
from django.utils import timezone

from peel.publishing.models import AuditEntry, Release
from peel.publishing.roles import Refused, can_publish
from peel.publishing.rule import LIVE_STATES, Status, publishable_models
from peel.revisions import when


def items(release):
    """Every item in the release, by model, in each model's order."""
    return [row for model in publishable_models() for row in model._default_manager.filter(release=release)]


def blockers(release):
    """The items that keep the release from going out: those not approved."""
    return [row for row in items(release) if row.status not in LIVE_STATES]


def refresh_by_id(release_id, now=None):
    with transaction.atomic():
        release = Release.objects.select_for_update().filter(pk=release_id).first()
        if release is not None:
            refresh(release, now)


def refresh(release, now=None):
    """Bring the items' times in line with the release: all of them, or none. Call it inside a transaction
    after any change to the release or to one of its items."""
    now = now or timezone.now()
    if release.state == Release.State.RELEASED:
        return
    if release.ready and release.publish_at <= now:
        _went_out(release)
        return
    ready = (
        release.state == Release.State.SCHEDULED
        and release.publish_at is not None
        and release.publish_at > now
        and not blockers(release)
    )
    for model in publishable_models():
        model._default_manager.filter(release=release, status=Status.SCHEDULED).update(
            publish_at=release.publish_at if ready else None
        )
    if ready != release.ready:
        release.ready = ready
        release.save(update_fields=["ready"])


def _went_out(release):
    """Its time came while it was ready: its items are public. Record them as published."""
    for model in publishable_models():
        model._default_manager.filter(release=release, status=Status.SCHEDULED).update(status=Status.PUBLISHED)
    release.state = Release.State.RELEASED
    release.save(update_fields=["state"])
    detail = f"{len(items(release))} items"
    AuditEntry.record(AuditEntry.Action.RELEASED, item=release, detail=detail, at=release.publish_at)


def settle_due(now=None):
    """Record every release whose time has come as gone out (the public site never waits for this)."""
    now = now or timezone.now()
    for release_id in Release.objects.filter(ready=True, publish_at__lte=now).values_list("pk", flat=True):
        refresh_by_id(release_id, now)


def _require(user):
    if not can_publish(user, Release):
        raise Refused("Only a publisher can plan, schedule or hold a release.")


def _audit(release, user, action, detail):
    AuditEntry.record(action, user=user, item=release, detail=detail)


@transaction.atomic
def add(release, objs, user):
    """Put items in the release. An item already public cannot join: it has gone out on its own."""
    _require(user)
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.is_out:
        raise Refused(f"“{release}” has already gone out.")
    now = timezone.now()
    public = [str(obj) for obj in objs if obj.is_public_at(now)]
    if public:
        raise Refused(f"Already public, so they cannot join a release: {', '.join(public)}.")
    for obj in objs:
        obj.release = release
        if obj.status == Status.SCHEDULED:
            obj.publish_at = None  # from now on it goes out with the release, not at a time of its own
        obj.save(update_fields=["release", "publish_at"])
    refresh(release, now)
    return release


@transaction.atomic
def remove(release, objs, user):
    """Take items out of a release that has not gone out. A scheduled item taken out waits for a new time."""
    _require(user)
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.is_out:
        raise Refused(f"“{release}” has already gone out.")
    for obj in objs:
        if obj.release_id == release.pk:
            obj.release, obj.publish_at = None, None
            obj.save(update_fields=["release", "publish_at"])
    refresh(release)
    return release


@transaction.atomic
def schedule(release, at, user):
    """Set the release's time. Returns the items that hold it (it goes out only if there are none by then)."""
    _require(user)
    release = Release.objects.select_for_update().get(pk=release.pk)
    now = timezone.now()
    if release.is_out:
        raise Refused(f"“{release}” has already gone out.")
    if at is None or at <= now:
        raise Refused("Choose a time in the future for the release.")
    release.publish_at, release.state, release.scheduled_by = at, Release.State.SCHEDULED, user
    release.save(update_fields=["publish_at", "state", "scheduled_by"])
    refresh(release, now)
    held = blockers(release)
    detail = f"Goes out on {when(at)} with {len(items(release))} items"
    if held:
        detail += f"; held until these are approved: {', '.join(str(row) for row in held)}"
    _audit(release, user, AuditEntry.Action.RELEASE_SCHEDULED, detail)
    return held


@transaction.atomic
def hold(release, user, reason=""):
    """Stop a scheduled release going out: it becomes a plan again and its items wait."""
    _require(user)
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.is_out:
        raise Refused(f"“{release}” has already gone out: withdraw its items instead.")
    release.state = Release.State.PLANNED
    release.save(update_fields=["state"])
    refresh(release)
    _audit(release, user, AuditEntry.Action.RELEASE_HELD, reason)
    return release
