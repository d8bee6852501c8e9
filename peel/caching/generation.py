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

ALIAS = "pages"
logger = logging.getLogger(__name__)
MISSING = object()


def state_key():
    """Where the token is kept: under the code's version, so a new deployment starts with no pages."""
    return f"peel:pages:state:{settings.PEEL_CODE_VERSION}"


def cache():
    return caches[ALIAS]


def current(now=None):
    """The token to file pages under now, starting a new one when none is kept or the kept one has run out."""
    return state(now)["token"]


def state(now=None, *, kept=MISSING):
    """The kept token with ``until`` (when it runs out by itself, or None) and ``since`` (when it was started,
    as a Unix time): a new one when none is kept or the kept one has run out. ``kept`` is the value already read
    from the cache, if the caller read it with something else."""
    now = now or timezone.now()
    if kept is MISSING:
        kept = cache().get(state_key())
    if kept is not None and (kept["until"] is None or now.timestamp() < kept["until"]):
        return kept
    due = next_change_after(now)
    kept = {"token": uuid.uuid4().hex, "until": due.timestamp() if due else None, "since": now.timestamp()}
    cache().set(state_key(), kept, timeout=None)
    return kept


def on_setting_changed(**kwargs):
    invalidate()


def invalidate():
    """Drop every cached page: the next request starts a new token. A cache that cannot be reached is logged,
    never allowed to stop the write that called this (pages are not served from it while it is down either)."""
    try:
        cache().delete(state_key())
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
