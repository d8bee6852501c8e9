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


@pytest.fixture(autouse=True)
def _empty_caches(settings):
    """Pages are cached as on a server, and each test starts with no cached page or rate-limit count left by
    another (the database is rolled back between tests without a write the page cache would notice)."""
    from django.core.cache import caches

    settings.PEEL_PAGE_CACHE = True
    settings.PEEL_KEEP_SITE_FACTS = True  # setting it forgets what an earlier test kept
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def uncached(settings):
    """Pages rendered afresh on every request, reading everything they show: for counting a page's own queries.
    (With the page cache on, the first request after a change also makes the one query that works out when the
    next scheduled change is; with site facts kept, later requests skip the years, pillars and the like.)"""
    settings.PEEL_PAGE_CACHE = False
    settings.PEEL_KEEP_SITE_FACTS = False


@pytest.fixture
def peel_data(db):
    """The real published data, loaded the way `make run` loads it."""
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("load_peel_data", stdout=quiet)


def staff_member(name, group):
    """A staff account in one of the two roles ("Editors" or "Publishers"), fresh from the database."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(name, is_staff=True)  # no password: tests log in with force_login
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def editor(db):
    return staff_member("edna", "Editors")


@pytest.fixture
def publisher(db):
    return staff_member("pat", "Publishers")


@pytest.fixture
def second_publisher(db):
    return staff_member("priya", "Publishers")
