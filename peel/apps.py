from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.core.signals import setting_changed
from django.db.backends.signals import connection_created


class PeelConfig(AppConfig):
    name = "peel"

    def ready(self):
        from peel.caching import checks, generation, kept, watch  # noqa: F401 - checks registers itself
        from peel.security import checks as security_checks  # noqa: F401 - registers itself
        from peel.security import logins  # noqa: F401 - its receivers log every sign-in

        connection_created.connect(watch.install, dispatch_uid="peel.caching.watch")
        # Settings change only in tests (a server restarts with new ones, and pages are filed by code version).
        setting_changed.connect(generation.on_setting_changed, dispatch_uid="peel.caching.settings")
        setting_changed.connect(kept.forget, dispatch_uid="peel.caching.kept")


class PeelAdminConfig(AdminConfig):
    """Django's admin, serving PEEL's staff site (its sign-in and two-factor rules)."""

    default_site = "peel.security.admin_site.PeelAdminSite"
