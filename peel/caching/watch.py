"""Notice every write to a table that a public page reads, and drop the cached pages when it happens.

Watching the SQL rather than model signals catches every way data changes: ``save()``, ``delete()``, a
queryset's ``update()`` (as the publishing workflow and releases use), ``bulk_create`` (as the loaders use) and
cascades. Tables no public page reads (consultation responses, the audit log, proposals, sessions) are left
out, so a busy consultation does not empty the cache with every response.

The cache is dropped as soon as the statement runs, and again when its transaction commits: a page rendered by
another request in between, from the data as it was, is dropped with the second.
"""

import functools
import re

from django.apps import apps
from django.db import transaction

from . import generation

# The apps whose tables public pages read, and their models that no public page shows.
PUBLIC_APPS = ("forces", "inspections", "consultations", "peel")
PRIVATE_MODELS = {
    "consultations.response",
    "consultations.answer",
    "consultations.answerchoice",
    "peel.auditentry",
    "peel.previewlink",
    "peel.proposal",
}
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)', re.IGNORECASE)


@functools.cache
def public_tables():
    return frozenset(
        model._meta.db_table
        for app in PUBLIC_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model._meta.label_lower not in PRIVATE_MODELS
    )


def writes_public_table(sql):
    if not isinstance(sql, str):
        return False
    match = WRITE.match(sql)
    return bool(match) and match.group(1) in public_tables()


def watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if writes_public_table(sql):
        generation.invalidate()
        connection = context["connection"]
        if connection.in_atomic_block and not any(
            func is generation.invalidate for _, func, _ in connection.run_on_commit
        ):
            transaction.on_commit(generation.invalidate, using=connection.alias, robust=True)
    return result


def install(sender, connection, **kwargs):
    """Connected to ``connection_created``: add the watcher to each database connection once."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)
