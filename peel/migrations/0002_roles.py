"""The two roles: Editors write drafts and send them for review; Publishers also approve, schedule, publish and
withdraw, plan releases and make preview links. A person's role is the group they are in (set in the admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHORED = {
    "inspections": ["inspectionyear", "pillar", "question", "inspector", "assessment", "pillarjudgment",
                    "questionjudgment", "report"],
    "consultations": ["consultation", "document", "question", "choice", "outcomecount"],
}
PUBLISHABLE = {"inspections": ["inspectionyear", "assessment", "pillarjudgment", "report"],
               "consultations": ["consultation"]}
READ_ONLY = {
    "forces": ["region", "force", "keyfact", "contextpoint", "planpriority"],
    "peel": ["release", "auditentry", "changenote"],
}
# Publishers' rights on top of an editor's.
PUBLISHER_EXTRA = {
    "forces": {model: ["add", "change"] for model in READ_ONLY["forces"]},
    "peel": {"release": ["add", "change", "delete", "publish"], "previewlink": ["add", "change", "view"]},
}


def _codenames(app, models, actions):
    return [(app, f"{action}_{model}") for model in models for action in actions]


def editor_rights():
    rights = [("consultations", "view_responses")]
    for app, models in AUTHORED.items():
        rights += _codenames(app, models, ["view", "add", "change", "delete"])
    for app, models in READ_ONLY.items():
        rights += _codenames(app, models, ["view"])
    return rights


def publisher_rights():
    rights = editor_rights()
    for app, models in PUBLISHABLE.items():
        rights += _codenames(app, models, ["publish"])
    for app, by_model in PUBLISHER_EXTRA.items():
        for model, actions in by_model.items():
            rights += _codenames(app, [model], actions)
    return rights


def make_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():  # permissions are otherwise made only after every migration
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, rights in [("Editors", editor_rights()), ("Publishers", publisher_rights())]:
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [_permission(Permission, app, codename) for app, codename in rights]
        group.permissions.set(wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("peel", "0001_publishing"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("forces", "0003_longer_urls"),
        ("inspections", "0004_publishing_states"),
        ("consultations", "0002_publishing_states"),
    ]

    operations = [migrations.RunPython(make_roles, migrations.RunPython.noop)]


def _permission(Permission, app, codename):
    try:
        return Permission.objects.get(content_type__app_label=app, codename=codename)
    except Permission.DoesNotExist:
        raise LookupError(f"No permission {app}.{codename}") from None
