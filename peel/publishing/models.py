"""What publishing keeps besides the items themselves: releases, the audit log, preview links and change notes."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ItemReference(models.Model):
    """A pointer to any authored item that outlives it: its type, id, and what it was called."""

    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField("item", max_length=200, blank=True)
    item = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True

    def point_at(self, obj):
        self.content_type = ContentType.objects.get_for_model(obj)
        self.object_id = str(obj.pk)
        self.object_repr = str(obj)[:200]


class Release(models.Model):
    """Items that go public together at one time, or not at all.

    While it is being put together a release is a plan. A publisher schedules it for a time; its items go
    public at that time only if every one of them is approved by then, and the admin names any that is not.
    """

    class State(models.TextChoices):
        PLANNED = "planned", "Being planned"
        SCHEDULED = "scheduled", "Scheduled"
        RELEASED = "released", "Released"

    title = models.CharField(max_length=200, help_text="As in “PEEL 2016 efficiency, all forces”.")
    publish_at = models.DateTimeField(
        "goes live at", null=True, blank=True, help_text="When every item goes public together (UK time)."
    )
    state = models.CharField(max_length=10, choices=State, default=State.PLANNED, editable=False)
    ready = models.BooleanField(
        default=False, editable=False, help_text="Every item is approved and the time is set: it will go out."
    )
    notes = models.TextField(blank=True, help_text="For staff: what the release is for.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        default_permissions = ("add", "change", "delete", "view", "publish")

    def __str__(self):
        return self.title

    @property
    def is_out(self):
        """Whether it has gone public: its time came while it was ready."""
        return self.state == self.State.RELEASED or (
            self.ready and self.publish_at is not None and self.publish_at <= timezone.now()
        )


class AuditEntry(ItemReference):
    """One publishing action: who did what to which item, when and why. Kept whatever happens to the item."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Sent for review"
        RETURNED = "returned", "Returned to draft"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"
        FORCED = "forced", "Published own edit (forced)"
        IMPORTED = "imported", "Imported"
        RELEASE_SCHEDULED = "release-scheduled", "Release scheduled"
        RELEASE_HELD = "release-held", "Release held"
        RELEASED = "released", "Release went out"
        PREVIEW_LINK = "preview-link", "Preview link made"
        PREVIEW_REVOKED = "preview-revoked", "Preview link revoked"
        CHANGED_LIVE = "changed-live", "Changed while live"
        PROPOSED = "proposed", "Change proposed"
        CHANGE_APPROVED = "change-approved", "Change approved"
        CHANGE_DISCARDED = "change-discarded", "Change discarded"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField("by", max_length=150, blank=True, help_text="Kept if the account is removed.")
    action = models.CharField(max_length=20, choices=Action, db_index=True)
    detail = models.TextField(blank=True, help_text="The reason given, the time chosen, or what was imported.")
    needs_review = models.BooleanField(
        default=False, help_text="A publisher published their own edit: a second publisher should look at it."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.get_action_display()}: {self.object_repr}"

    @classmethod
    def record(cls, action, *, user=None, item=None, detail="", needs_review=False, at=None):
        """Write one entry: ``action`` by ``user`` (None for the clock, as when a release goes out) on ``item``
        (None for none, as for an import)."""
        entry = cls(
            user=user,
            username=user.get_username() if user is not None else "",
            action=action,
            detail=detail,
            needs_review=needs_review,
        )
        if at is not None:
            entry.at = at
        if item is not None:
            entry.point_at(item)
        entry.save()
        return entry


class PreviewLink(ItemReference):
    """A signed address that shows one unpublished item's page to someone without an account, until it
    expires or is revoked."""

    path = models.CharField(max_length=300, help_text="The item's page the link opens.")
    made_for = models.CharField(
        max_length=200, help_text="Who the link is for, as in “Kent Police fact-checker”. Shown on the page it opens."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return f"Preview of {self.object_repr} for {self.made_for}"

    def is_valid_at(self, now):
        return self.revoked_at is None and now < self.expires_at


class ChangeNote(ItemReference):
    """What changed on a published page and when, as the public reads it. Only major changes are shown."""

    class Kind(models.TextChoices):
        MAJOR = "major", "Major: shown on the page and in the feed, and updates the page's date"
        MINOR = "minor", "Minor: a typo or a link; not shown"

    kind = models.CharField(max_length=5, choices=Kind)
    note = models.CharField(max_length=300, blank=True, help_text="As in “Effectiveness grade corrected”.")
    made_at = models.DateTimeField(help_text="When the change went public.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-made_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self):
        return self.note or self.get_kind_display()


class Proposal(ItemReference):
    """A change to a public item, held until a publisher approves it: the item and the rows its form edits
    (an assessment's judgments, a year's pillars) as they would be. The public page is unchanged meanwhile."""

    serialized = models.TextField(help_text="The rows as proposed, in Django's JSON serialisation, parents first.")
    summary = models.CharField(max_length=500, blank=True, help_text="What the change does, field by field.")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_proposal_per_item"),
        ]

    def __str__(self):
        return f"Proposed change to {self.object_repr}"
