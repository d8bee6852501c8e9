"""The site's own settings, for the benchmark only: every load-test client is 127.0.0.1, so the limit on
responses per client (consultations/limits.py) is lifted. The real settings are never loosened."""

from peel.settings import *  # noqa: F403

CONSULTATION_RESPONSE_LIMIT = (10**9, 600)
