"""Who may do what. Editors (the "Editors" group) write drafts and send them for review; Publishers (the
"Publishers" group) may also approve, schedule, publish and withdraw (each publishable model's ``publish``
permission), and plan releases. The groups and their permissions are made by peel/migrations/0002_roles.py."""

from django.core.exceptions import PermissionDenied

EDITORS = "Editors"
PUBLISHERS = "Publishers"


class Refused(PermissionDenied):
    """Why an action cannot go ahead, in words for the person who asked."""


def permission(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def can_publish(user, model):
    return user.is_active and user.has_perm(permission(model, "publish"))


def can_edit(user, model):
    return user.is_active and user.has_perm(permission(model, "change"))
