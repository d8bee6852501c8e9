"""Revisions of what staff write: who saved what, when and why, and a way back to any earlier state.

django-reversion keeps every save made in the admin (and every change the data loader makes) as a revision in
its own tables, so the authored models carry nothing for it. An item's revision also holds the rows its change
form edits with it (an assessment's pillar judgments and their question judgments), so a restore brings the
whole page back as it was.

``RevisionAdminMixin`` gives each change form three things on top of that:

- its history, any two revisions of it compared field by field, or any one compared with what is saved now;
- "Restore as draft": an old revision loaded into the form for review. Saving it records a new revision and
  leaves the item a draft, so restoring never publishes anything by itself;
- a guard against lost updates. The form carries the newest revision it was opened at; if someone has saved
  the item (or a row its form edits) since, the save is refused and nothing is written.
"""

from peel.revisions.admin import RevisionAdminMixin
from peel.revisions.compare import (
    Comparison,
    compare,
    held_versions,
    shown_fields,
    snapshots_from_revision,
    snapshots_now,
)
from peel.revisions.record import (
    LIVE,
    LOADED_FROM_FILES,
    SEEN_REVISION,
    descendants,
    family,
    latest_revision,
    recorded,
    register,
    restored_comment,
    stale_save_message,
    when,
)
from peel.revisions.restore import restore

__all__ = [
    "LIVE",
    "LOADED_FROM_FILES",
    "SEEN_REVISION",
    "Comparison",
    "RevisionAdminMixin",
    "compare",
    "descendants",
    "family",
    "held_versions",
    "latest_revision",
    "recorded",
    "register",
    "restore",
    "restored_comment",
    "shown_fields",
    "snapshots_from_revision",
    "snapshots_now",
    "stale_save_message",
    "when",
]
