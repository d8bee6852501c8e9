import os
import subprocess
import sys

import pytest
from django.conf import settings


def start_django(script="", **env):
    """Start Django in a fresh interpreter with only these variables set, as a server would, and run a script."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {script}"],
        env=keep | {"DJANGO_SETTINGS_MODULE": "peel.settings"} | env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_server_without_a_secret_key_refuses_to_start():
    result = start_django(DJANGO_ALLOWED_HOSTS="peel.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_a_server_without_allowed_hosts_refuses_to_start():
    result = start_django(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_a_server_with_its_secrets_starts_with_secure_cookies():
    result = start_django(
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="peel.example.org",
    )
    assert result.stdout.split() == ["True", "True"]


def test_a_misspelt_debug_flag_is_refused_rather_than_guessed():
    assert "DJANGO_DEBUG must be true or false" in start_django(DJANGO_DEBUG="maybe").stderr


def test_database_url_selects_postgresql():
    result = start_django(
        "print(settings.DATABASES['default']['ENGINE'])",
        DJANGO_LOCAL="true",
        DATABASE_URL="postgres://peel:secret@127.0.0.1:5432/peel",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.parametrize("debug", ["", "false"])
def test_debug_is_off_unless_asked_for(debug):
    assert start_django("print(settings.DEBUG)", DJANGO_LOCAL="true", DJANGO_DEBUG=debug).stdout.strip() == "False"
