"""An optional read replica: anonymous visitors' pages read from it, everything else from the primary.

With DATABASE_REPLICA_URL set, the settings add a "replica" database and this router. Only a public page asked
for by a visitor without a session reads from the replica (``ReplicaReadsMiddleware`` says so for the length of
the request); the admin, forms, staff, management commands and every write use the primary, so whoever changes
something reads their own change back.

A replica may lag a moment behind. A page read from it just after a change could be the old page, and the page
cache would then keep it as the new one; so for ``DATABASE_REPLICA_LAG_SECONDS`` after the cached pages were
last dropped, pages are read from the primary.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from peel.caching.pages import may_answer_from_cache

REPLICA = "replica"
_reading_replica = ContextVar("reading_replica", default=False)


@contextmanager
def reading_from_replica():
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reading_replica.get() and REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: an object read from either may point at the other's

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica is migrated by replication


def may_read_replica(request):
    if REPLICA not in settings.DATABASES or not may_answer_from_cache(request, cache_on=True):
        return False
    unchanged_for = getattr(request, "pages_unchanged_for", None)
    return unchanged_for is None or unchanged_for >= settings.DATABASE_REPLICA_LAG_SECONDS


class ReplicaReadsMiddleware:
    """Goes after the page cache, which tells it how long ago the cached pages were last dropped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_read_replica(request):
            return self.get_response(request)
        with reading_from_replica():
            return self.get_response(request)
