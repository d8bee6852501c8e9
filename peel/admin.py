"""The admin of what publishing keeps itself: releases and the audit log (``peel.publishing.release_admin``)
and preview links (``peel.publishing.preview_admin``). Each authored model's admin adds the publishing
buttons and actions with ``peel.publishing.admin.WorkflowAdminMixin``."""

from peel.publishing import preview_admin, release_admin  # noqa: F401
