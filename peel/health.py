"""``/healthz`` and ``/readyz``: what a load balancer or an orchestrator asks each app server.

* ``/healthz`` says the process is alive and answering: 200 "ok", and nothing is checked. If it fails, restart
  the process.
* ``/readyz`` says the process can serve pages now: every database answers a query, no migration is waiting to
  be applied, and every cache keeps a value and gives it back. 200 "ready", or 503 "not ready": take the server
  out of rotation until it is ready again, but do not restart it for that.

Anyone may ask, so the answers say no more than that; which check failed, and why, goes to the log
("peel.health"). Both are plain text, never stored (``no-store``), and answer GET and HEAD only (405 otherwise).

This middleware comes first in settings.MIDDLEWARE, before anything that could refuse, redirect or remember a
probe: a load balancer asks by IP address (not one of ALLOWED_HOSTS) and over plain HTTP (which
SECURE_SSL_REDIRECT would redirect), and its answer must come from the process itself, never from the page cache.

Every check is bounded in time, so a probe answers well within a load balancer's own timeout:

* a database connection attempt gives up after DJANGO_DB_CONNECT_TIMEOUT seconds (peel/settings.py);
* the checks run one after another and stop at the first failure, so a database that is out of reach costs one
  timeout, not one for each check that would use it;
* the caches are asked from a helper thread and given ``CACHE_SECONDS`` to answer, since a Redis server that
  has gone silent would otherwise hold the request for as long as the operating system keeps trying. A check
  that overruns is left to finish on its own, and until it has, the next probes fail at once rather than start
  another.
"""

import logging
import threading
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

logger = logging.getLogger(__name__)
READING = ("GET", "HEAD")
CACHE_SECONDS = 2.0


class NotReady(Exception):
    """A check found the process unable to serve pages."""


def check_databases():
    """A trivial query on every configured database (the primary, and the read replica when there is one)."""
    for alias in settings.DATABASES:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")


def check_migrations():
    """Every migration in the code is applied to the primary (the replica follows it by replication)."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise NotReady(f"{len(plan)} migration(s) not applied, starting with {plan[0][0]}")


def check_caches():
    """Each cache in settings.CACHES keeps a value and gives it back, within ``CACHE_SECONDS``."""
    # Looked up here, in the request's thread: a cache looked up in the helper thread would be a new client
    # with its own connections, made again at every probe.
    backends = [(alias, caches[alias]) for alias in settings.CACHES]
    _within(CACHE_SECONDS, lambda: [_round_trip(alias, backend) for alias, backend in backends])


def _round_trip(alias, backend):
    key, value = f"peel:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    backend.set(key, value, timeout=30)
    if backend.get(key) != value:
        raise NotReady(f"the {alias!r} cache did not give back what it was given")
    backend.delete(key)


_overrunning = None  # the helper thread of a check that ran out of time, while it is still running
_overrunning_lock = threading.Lock()


def _within(seconds, check):
    """Run ``check`` in a helper thread and wait for it at most ``seconds``; its exception is raised here."""
    global _overrunning
    with _overrunning_lock:
        if _overrunning is not None and _overrunning.is_alive():
            raise NotReady("an earlier check has not finished yet")
        failures = []

        def run():
            try:
                check()
            except Exception as failure:  # handed to the waiting thread, which raises it
                failures.append(failure)

        helper = threading.Thread(target=run, name="peel-readyz", daemon=True)
        helper.start()
        helper.join(seconds)
        if helper.is_alive():
            _overrunning = helper
            raise NotReady(f"no answer within {seconds} s")
    if failures:
        raise failures[0]


CHECKS = [("database", check_databases), ("migrations", check_migrations), ("cache", check_caches)]


def ready():
    """Whether every check passes; the first that fails is logged, with why, and ends the checking."""
    for name, check in CHECKS:
        try:
            check()
        except Exception as failure:
            logger.warning("Not ready: the %s check failed (%s: %s)", name, type(failure).__name__, failure)
            return False
    return True


def plain(text, status=200):
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def healthz():
    return plain("ok")


def readyz():
    if ready():
        return plain("ready")
    response = plain("not ready", status=503)
    response._has_been_logged = True  # ready() has said why: Django need not add "Service Unavailable"
    return response


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers the probes itself; every other request goes on down the middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in READING:
            response = plain("method not allowed", status=405)
            response["Allow"] = ", ".join(READING)
            return response
        return probe()
