"""The token every cached page is filed under, and when it changes.

A page cached under one token is never served under another, so replacing the token drops every cached page at
once, in every process sharing the cache. It is replaced:

* after any write to a table a public page reads (``peel.caching.watch``): a publish, a withdrawal, an edit, a
  release going out, a bulk load;
* by a deployment of different code, since the token is kept under the code's version;
* when the clock passes the next moment a page changes by itself: a scheduled item's ``publish_at``, a change
  note's ``made_at``, a consultation's opening or closing. That moment is worked out with the token and kept
  beside it, so no job has to run at the time.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models import F
from django.utils import timezone

from .nearby import Nearby

ALIAS = "pages"
logger = logging.getLogger(__name__)


def state_key():
    """Where the token is kept: under the code's version, so a new deployment starts with no pages."""
    return f"peel:pages:state:{settings.PEEL_CODE_VERSION}"


def cache():
    return caches[ALIAS]


def current(now=None):
    """The token to file pages under now, starting a new one when none is kept or the kept one has run out."""
    return state(now)["token"]


def state(now=None):
    """The kept token with ``until`` (when it runs out by itself, or None) and ``since`` (when it was started,
    as a Unix time): a new one when none is kept or the kept one has run out. With Redis, each process keeps
    the token it read and trusts it until told otherwise (``peel.caching.nearby``)."""
    now = now or timezone.now()
    near = nearby()
    if near is not None:
        kept = near.known_state()
        if _fresh(kept, now):
            return kept
        listening = near.listen()  # before the token is read, so that no change can slip between
    kept = cache().get(state_key())
    if not _fresh(kept, now):
        if kept is not None:  # it ran out by itself: every process must start a new one
            invalidate()
        due = next_change_after(now)
        new = {"token": uuid.uuid4().hex, "until": due.timestamp() if due else None, "since": now.timestamp()}
        cache().add(state_key(), new, timeout=None)  # if another process started one meanwhile, use that
        kept = cache().get(state_key()) or new
    if near is not None and listening:
        near.remember(kept)
    return kept


def _fresh(kept, now):
    return kept is not None and (kept["until"] is None or now.timestamp() < kept["until"])


_nearby = {}


def nearby():
    """This process's ``Nearby`` for a shared (Redis) cache; None for a cache in the process's own memory."""
    backend = cache()
    if not hasattr(backend, "subscribe"):
        return None
    key = (ALIAS, settings.PEEL_CODE_VERSION)
    if key not in _nearby:
        _nearby[key] = Nearby(backend, state_key(), settings.PEEL_PAGE_CACHE_NEARBY)
    return _nearby[key]


def on_setting_changed(**kwargs):
    _nearby.clear()
    invalidate()


def invalidate():
    """Drop every cached page: the next request starts a new token. A cache that cannot be reached is logged,
    never allowed to stop the write that called this (pages are not served from it while it is down either)."""
    try:
        cache().delete(state_key())
        if hasattr(cache(), "publish"):
            cache().publish(state_key())
    except Exception:
        logger.exception("Could not drop the cached pages")


def next_change_after(now):
    """The first moment after ``now`` at which some public page changes with nobody saving anything: one query
    over every such column."""
    moments = [
        model.objects.filter(**{f"{field}__gt": now}).annotate(moment=F(field)).values_list("moment").order_by()
        for model, field in timed_columns()
    ]
    first = moments[0].union(*moments[1:], all=True).order_by("moment")[:1]
    return next((moment for (moment,) in first), None)


def timed_columns():
    """(model, column) for every time at which a page changes by itself."""
    from consultations.models import Consultation
    from peel.publishing.models import ChangeNote
    from peel.publishing.rule import publishable_models

    columns = [(model, "publish_at") for model in publishable_models()]
    return [*columns, (ChangeNote, "made_at"), (Consultation, "opens_at"), (Consultation, "closes_at")]
