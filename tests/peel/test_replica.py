"""The optional read replica: public pages read from it, staff and every write use the primary.

The settings are read once per process, so each check runs in a fresh Python with DATABASE_URL and
DATABASE_REPLICA_URL naming two SQLite files. The replica starts as a copy of the primary, then the primary
changes a force's name without the copy following: which name a page shows tells which database it read.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, os, shutil, sys, time
from unittest import mock

import django

django.setup()
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connections
from django.test import Client

from forces.models import Force, Region

primary, replica = sys.argv[1], sys.argv[2]
call_command("migrate", verbosity=0)
untouched = connections["replica"].introspection.table_names() == []
Force.objects.create(
    name="Replica Police", short_name="Kent", slug="kent", region=Region.objects.create(name="South East", slug="se")
)
connections.close_all()
shutil.copy(primary, replica)
Force.objects.filter(slug="kent").update(name="Primary Police")

def shown(client, path):
    page = client.get(path).content.decode()
    return "Primary" if "Primary Police" in page else "Replica" if "Replica Police" in page else page[:300]

seen = {"databases": sorted(settings.DATABASES), "mirror": settings.DATABASES["replica"]["TEST"]}
seen["migrates replica"] = untouched
public = Client(SERVER_NAME="localhost")
seen["anonymous, just after a change"] = shown(public, "/forces/?1")
with mock.patch("time.time", return_value=time.time() + settings.DATABASE_REPLICA_LAG_SECONDS + 1):
    seen["anonymous, later"] = shown(public, "/forces/?2")
staff = Client(SERVER_NAME="localhost")
staff.force_login(User.objects.create_superuser("sam", password=None))
with mock.patch("time.time", return_value=time.time() + settings.DATABASE_REPLICA_LAG_SECONDS + 1):
    seen["staff"] = shown(staff, "/forces/?3")
    seen["admin"] = shown(staff, "/admin/forces/force/")
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replica")
    primary, replica = folder / "primary.sqlite3", folder / "replica.sqlite3"
    replica.touch()
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DATABASE_", "REDIS_URL"))},
        "DJANGO_SETTINGS_MODULE": "peel.settings",
        "DJANGO_LOCAL": "true",
        "DJANGO_PLAIN_STATIC": "true",
        "DATABASE_URL": f"sqlite:///{primary}",
        "DATABASE_REPLICA_URL": f"sqlite:///{replica}",
        "PEEL_PAGE_CACHE": "true",
    }
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT, str(primary), str(replica)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_replica_is_a_second_database_that_tests_mirror_and_migrations_leave_alone(seen):
    assert seen["databases"] == ["default", "replica"]
    assert seen["mirror"]["MIRROR"] == "default"
    assert seen["migrates replica"] is True  # migrate left the replica's empty file alone


def test_anonymous_visitors_read_the_replica(seen):
    assert seen["anonymous, later"] == "Replica"


def test_just_after_a_change_pages_read_the_primary_so_the_cache_never_keeps_a_lagging_page(seen):
    assert seen["anonymous, just after a change"] == "Primary"


def test_staff_and_the_admin_read_the_primary(seen):
    assert seen["staff"] == "Primary"
    assert seen["admin"] == "Primary"
