"""Says, wherever Django's checks are shown (runserver's start, manage.py check), that a run is local."""

import os

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def local_mode(app_configs, **kwargs):
    if not settings.LOCAL:
        return []
    key = "DJANGO_SECRET_KEY"
    if not os.environ.get(key):
        key = "a key made for this machine (.local-secret-key)"
    return [
        checks.Info(
            f"Local mode (DJANGO_LOCAL or DJANGO_DEBUG): signing with {key}, cookies without Secure, no HTTPS "
            "redirect or HSTS, and two-factor sign-in "
            f"{'on' if settings.PEEL_REQUIRE_2FA else 'off'}. Never serve the public like this.",
            id="peel.I001",
        )
    ]
