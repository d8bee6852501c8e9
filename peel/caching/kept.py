"""Small facts that nearly every page reads (the published years, each year's pillars and questions, the
regions, the forces, the open consultations), worked out once per process for each content token rather than
on every request.

The token (``peel.caching.generation``) changes with every write to a table a public page reads and whenever a
scheduled moment passes, so a kept value is never older than what the same query would return now: the token
is read before the value is built, and a value built while a write went through is filed under the token that
write has already replaced. Previews (drafts shown as if published) neither read nor fill it, and nothing is
kept while a read replica may still lag behind the latest change (``DATABASE_REPLICA_LAG_SECONDS``).

On with ``PEEL_KEEP_SITE_FACTS``: by default wherever the page cache is on, that is where every process shares
the token (Redis) or in production. A developer's runserver without Redis stays off for the reason the page
cache does: ``manage.py load_peel_data`` in another process could not tell it that the years changed.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError

from peel.publishing.rule import is_previewing

from . import generation

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_kept = {"token": None, "values": {}}


def keeping():
    """Whether ``kept()`` keeps anything now (off in settings, or while previewing, it builds every time)."""
    return settings.PEEL_KEEP_SITE_FACTS and not is_previewing()


def kept(name, build, *args):
    """``build(*args)``, or what it returned earlier in this process under the current token. ``name`` and
    ``args`` (hashable) say what is kept. The value is shared by every request of the process: never change it."""
    if not keeping():
        return build(*args)
    try:
        state = generation.state()
    except DatabaseError:
        raise  # the database is down: the outage page answers (peel/outage.py), and logs it once
    except Exception:  # an unreachable cache: nothing can be kept safely, so everything is read afresh
        logger.warning("Site facts not kept: the page cache's token could not be read", exc_info=True)
        return build(*args)
    token = state["token"]
    key = (name, args)
    with _lock:
        if _kept["token"] == token and key in _kept["values"]:
            return _kept["values"][key]
    value = build(*args)
    if _replica_may_lag(state):
        return value  # perhaps read from a replica that has not caught up with the change yet: not kept
    with _lock:
        if _kept["token"] != token:
            _kept["token"], _kept["values"] = token, {}
        _kept["values"][key] = value
    return value


def _replica_may_lag(state):
    """Whether a read replica may not hold the latest change yet (as the page cache judges it)."""
    if "replica" not in settings.DATABASES:
        return False
    return time.time() - state["since"] < settings.DATABASE_REPLICA_LAG_SECONDS


def forget(**kwargs):
    """Drop everything kept (connected to ``setting_changed``, for tests that change settings)."""
    with _lock:
        _kept["token"], _kept["values"] = None, {}
