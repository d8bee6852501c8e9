"""The one publication rule every public page reads through.

Content starts as a draft. Only published content reaches a public page, a download, a feed or a sitemap,
and a child is public only while everything it belongs to is public too (a pillar judgment needs its
assessment and its inspection year to be published). Each queryset's ``published()`` says that once.
"""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


STATUS_HELP = "Only published content appears on the public site. Drafts are visible to staff in the admin only."


class Publishable(models.Model):
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, help_text=STATUS_HELP)

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


def published_q(prefix=""):
    """A filter for "this object is published", optionally through a relation (``prefix="assessment__"``)."""
    return models.Q(**{f"{prefix}status": Status.PUBLISHED})
