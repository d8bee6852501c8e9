"""Publishing: the rule for what the public sees (``rule``), who may move an item between states
(``roles``, ``workflow``), releases that go out together (``releases``), previews, change notes and the
audit log (``models``)."""

from peel.publishing.rule import (
    LIVE_STATES,
    PUBLISHABLE_PERMISSIONS,
    STATUS_HELP,
    Publishable,
    Status,
    is_previewing,
    previewing,
    published_q,
)

__all__ = [
    "LIVE_STATES",
    "PUBLISHABLE_PERMISSIONS",
    "STATUS_HELP",
    "Publishable",
    "Status",
    "is_previewing",
    "previewing",
    "published_q",
]
