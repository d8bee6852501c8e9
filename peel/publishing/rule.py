"""The one publication rule every public page reads through.

An authored item (an inspection year, an assessment, a pillar judgment, a report, a consultation) is in one of
five states: a draft, in review, scheduled, published or withdrawn. It is public when it is published, or when
it is scheduled and its time has come: the clock decides, so nothing has to run for a schedule to fire. An item
scheduled as part of a release has no time of its own until every item in the release is approved (see
``peel.publishing.releases``), so none of them can go public alone.

A child is public only while everything it belongs to is public too (a pillar judgment needs its assessment and
its inspection year): each queryset's ``published()`` says that once, through ``published_q``.

Staff previewing a page see it as it would be with every draft published (``previewing``).
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Where a state may go, and who may move it there (see peel.publishing.workflow).
LIVE_STATES = (Status.SCHEDULED, Status.PUBLISHED)  # approved: public now or at their time

STATUS_HELP = (
    "Only published items, and scheduled ones once their time comes, appear on the public site. "
    "Change the state with the buttons below the form or the actions on the list."
)

# Each publishable model's permissions: Django's four, and "publish" (approve, schedule, publish, withdraw),
# which only the Publishers group has.
PUBLISHABLE_PERMISSIONS = ("add", "change", "delete", "view", "publish")


class Publishable(models.Model):
    status = models.CharField(
        max_length=10, choices=Status, default=Status.DRAFT, editable=False, help_text=STATUS_HELP
    )
    publish_at = models.DateTimeField(
        "goes live at",
        null=True,
        blank=True,
        editable=False,
        help_text="When a scheduled item goes public, or when a published one did.",
    )
    release = models.ForeignKey(
        "peel.Release",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The release this item goes public with, if any.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        abstract = True

    def is_public_at(self, now):
        return self.status == Status.PUBLISHED or (
            self.status == Status.SCHEDULED and self.publish_at is not None and self.publish_at <= now
        )

    @property
    def is_published(self):
        """Whether the public sees this item now (not counting its parents)."""
        return self.is_public_at(timezone.now())

    @property
    def is_approved(self):
        return self.status in LIVE_STATES

    @property
    def state_label(self):
        """The state as staff read it: "Scheduled for 3 March 2026, 07:00", "Scheduled, held by its release"."""
        from peel.revisions import when

        if self.status == Status.SCHEDULED:
            if self.publish_at is None:
                return "Approved, held until its release is ready"
            if self.publish_at <= timezone.now():
                return f"Published (scheduled for {when(self.publish_at)})"
            return f"Scheduled for {when(self.publish_at)}"
        return self.get_status_display()


def follow(obj, path):
    """The object along a dotted path of relations ("assessment.year"), or None where a link is not set (or
    ``path`` is empty: ``obj`` itself)."""
    for name in filter(None, path.split(".")):
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:
            return None
        if obj is None:
            return None
    return obj


@functools.cache
def publishable_models():
    """Every model under the publication rule (read once the apps are loaded)."""
    return tuple(model for model in apps.get_models() if issubclass(model, Publishable))


def is_public(obj):
    """Whether the public sees ``obj`` now, parents included (one query; outside any preview)."""
    if obj is None or obj.pk is None:
        return False
    token = _preview.set(None)
    try:
        return type(obj)._default_manager.published().filter(pk=obj.pk).exists()
    finally:
        _preview.reset(token)


# All content, drafts included, while staff preview a page; None otherwise.
_preview = ContextVar("peel_preview", default=None)


@contextmanager
def previewing(reason="staff"):
    """Inside this block every item but a withdrawn one counts as published: a page shows drafts as the
    public would see them once published. Only the preview middleware and tests use it."""
    token = _preview.set(reason)
    try:
        yield
    finally:
        _preview.reset(token)


def is_previewing():
    return _preview.get() is not None


def published_q(prefix="", *, now=None):
    """A filter for "the public sees this object now", optionally through a relation (``prefix="assessment__"``)."""
    status = f"{prefix}status"
    if is_previewing():
        return ~models.Q(**{status: Status.WITHDRAWN})
    now = now or timezone.now()
    return models.Q(**{status: Status.PUBLISHED}) | models.Q(
        **{status: Status.SCHEDULED, f"{prefix}publish_at__lte": now}
    )
