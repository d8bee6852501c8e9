"""The models the project's shared rules keep: see ``peel.publishing.models``."""

from peel.publishing.models import AuditEntry, ChangeNote, PreviewLink, Proposal, Release

__all__ = ["AuditEntry", "ChangeNote", "PreviewLink", "Proposal", "Release"]
