"""Settings for the browser tests' gunicorn: production's own settings, with collected static files kept in
a temporary folder so a test run never races `make static` (or another run) over ``staticfiles/``."""

import os

from peel.settings import *  # noqa: F403

STATIC_ROOT = os.environ["PEEL_BROWSER_STATIC_ROOT"]
