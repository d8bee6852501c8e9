import os

import pytest


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Pages render without a collectstatic manifest; production keeps the hashed, compressed storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """Staff accounts made by tests hash their passwords quickly; production keeps Django's slow, strong hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def peel_data(db):
    """The real published data, loaded the way `make run` loads it."""
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("load_peel_data", stdout=quiet)
