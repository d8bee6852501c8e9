"""/healthz says the process lives; /readyz that its databases, caches and migrations are fit to serve pages.

Both answer probes as a load balancer sends them (by IP address, over plain HTTP), refuse anything but GET and
HEAD, are never cached, and say nothing about what failed: that goes to the log.
"""

import os
import subprocess
import sys
import threading
import time
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import OperationalError
from django.test import Client, override_settings

from peel import health

pytestmark = pytest.mark.django_db
SECRET_DETAIL = 'password authentication failed for user "peel-secret"'


def refused(execute, sql, params, many, context):
    raise OperationalError(SECRET_DETAIL)


def assert_plain(response, status, body):
    assert (response.status_code, response.content) == (status, body)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"


def assert_not_ready(client, caplog, why):
    with caplog.at_level("WARNING", logger="peel.health"):
        response = client.get("/readyz")
    assert_plain(response, 503, b"not ready")
    assert why in caplog.text  # the detail is in the log...
    assert why not in str(response.headers)  # ...and nowhere in the answer


def test_healthz_answers_ok_without_touching_the_database(client):
    with connection.execute_wrapper(refused):
        assert_plain(client.get("/healthz"), 200, b"ok")


def test_readyz_answers_ready_when_everything_is(client):
    assert_plain(client.get("/readyz"), 200, b"ready")
    assert client.head("/readyz").status_code == 200


def test_readyz_is_not_ready_while_the_database_fails_and_ready_again_after(client, caplog):
    assert client.get("/readyz").status_code == 200  # and not kept by the page cache, as the next answer shows
    with connection.execute_wrapper(refused):
        assert_not_ready(client, caplog, SECRET_DETAIL)
    assert "the database check failed" in caplog.text
    assert client.get("/readyz").status_code == 200


def test_readyz_is_not_ready_while_a_migration_is_unapplied(client, caplog):
    newest = sorted(node for node in MigrationLoader(connection).graph.leaf_nodes() if node[0] == "consultations")
    MigrationRecorder(connection).record_unapplied(*newest[-1])  # undone with the test's transaction
    assert_not_ready(client, caplog, f"1 migration(s) not applied, starting with {newest[-1][0]}.{newest[-1][1]}")


@pytest.mark.parametrize("alias", list(settings.CACHES))
def test_readyz_is_not_ready_while_a_cache_fails(client, caplog, alias):
    with mock.patch.object(caches[alias], "set", side_effect=ConnectionError("Error 111 connecting to redis:6379")):
        assert_not_ready(client, caplog, "Error 111 connecting to redis:6379")
    assert client.get("/readyz").status_code == 200


def test_readyz_is_not_ready_when_a_cache_keeps_nothing(client, caplog):
    with mock.patch.object(caches["pages"], "get", return_value=None):
        assert_not_ready(client, caplog, "the 'pages' cache did not give back what it was given")


def test_readyz_gives_up_on_a_cache_that_does_not_answer(client, caplog, monkeypatch):
    """A silent cache is given CACHE_SECONDS; while that check is still stuck, the next probes fail at once."""
    monkeypatch.setattr(health, "CACHE_SECONDS", 0.2)
    answer = threading.Event()

    def silent(key, default=None, version=None):
        answer.wait(10)

    with mock.patch.object(caches["default"], "get", side_effect=silent):
        for _ in range(2):
            started = time.monotonic()
            assert_not_ready(client, caplog, "no answer within 0.2 s")
            assert time.monotonic() - started < 1
        assert "an earlier check has not finished yet" in caplog.text
        answer.set()
        health._overrunning.join(5)
    assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("probe", ["/healthz", "/readyz"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_probes_answer_get_and_head_only(probe, method):
    strict = Client(enforce_csrf_checks=True)  # a POST without a token is refused as a method, not as a forgery
    response = getattr(strict, method)(probe)
    assert_plain(response, 405, b"method not allowed")
    assert response["Allow"] == "GET, HEAD"


@override_settings(ALLOWED_HOSTS=["peel.example.org"], SECURE_SSL_REDIRECT=True)
@pytest.mark.parametrize(("probe", "body"), [("/healthz", b"ok"), ("/readyz", b"ready")])
def test_probes_answer_a_load_balancer_asking_by_ip_address_over_plain_http(client, probe, body):
    assert client.get("/forces/", HTTP_HOST="peel.example.org").status_code == 301  # to HTTPS
    assert client.get("/forces/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # not an allowed host
    assert_plain(client.get(probe, HTTP_HOST="10.0.0.7:8000"), 200, body)


def test_the_probes_come_before_every_other_middleware_and_the_outage_page_before_the_database():
    middleware = settings.MIDDLEWARE
    assert middleware[0] == "peel.health.HealthCheckMiddleware"
    outage = middleware.index("peel.outage.OutageMiddleware")
    for uses_the_database in (
        "peel.caching.pages.PageCacheMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "peel.publishing.preview.PreviewMiddleware",
    ):
        assert outage < middleware.index(uses_the_database)


REPLICA_SCRIPT = """
import os, sys
import django

django.setup()
from django.core.management import call_command
from django.db import connections
from django.test import Client

call_command("migrate", verbosity=0)
replica = sys.argv[1]
answers = [Client().get("/readyz").status_code]
connections["replica"].close()
os.remove(replica)
os.mkdir(replica)  # a folder where the file should be: SQLite cannot open it
answers.append(Client().get("/readyz").status_code)
connections["replica"].close()
os.rmdir(replica)
answers.append(Client().get("/readyz").status_code)
print(answers)
"""


@pytest.mark.django_db(databases=[])
def test_readyz_checks_the_read_replica_too(tmp_path):
    """Settings are read once per process: a fresh Python with a replica, which stops opening and then opens."""
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_URL"))},
        "DJANGO_SETTINGS_MODULE": "peel.settings",
        "DJANGO_LOCAL": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'primary.sqlite3'}",
        "DATABASE_REPLICA_URL": f"sqlite:///{tmp_path / 'replica.sqlite3'}",
    }
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REPLICA_SCRIPT, str(tmp_path / "replica.sqlite3")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().splitlines()[-1] == "[200, 503, 200]", run.stdout
    assert "Not ready: the database check failed (OperationalError: unable to open database file)" in run.stderr
