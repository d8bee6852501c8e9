"""What each process keeps of the shared page cache, so that a page served from it needs no round trip to Redis.

* The current token: read from Redis once, then trusted until Redis says it changed. Every process subscribes
  to one channel, ``generation.invalidate()`` publishes on it, and each request first reads, without waiting,
  whatever has arrived on the subscription. The token is read only after the subscription is confirmed, so no
  change can fall between the two.
* The pages it served lately (``PEEL_PAGE_CACHE_NEARBY`` of them), each with the token it was rendered under.

If the subscription fails (Redis restarts, the connection drops), the process trusts nothing it keeps, reads the
token from Redis on every request, and subscribes again on the next.
"""

import contextlib
import logging
import os
import threading
from collections import OrderedDict

logger = logging.getLogger(__name__)


class Nearby:
    def __init__(self, backend, channel, size):
        self.backend, self.channel, self.size = backend, channel, size
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.subscription = None
        self.state = None
        self.pages = OrderedDict()

    def _reset_after_fork(self):
        if self.pid != os.getpid():  # a worker forked from a process that had subscribed: start afresh
            self.pid, self.subscription, self.state = os.getpid(), None, None
            self.pages.clear()

    def _drain(self):
        """Read what has arrived on the subscription: True if the token changed meanwhile (or may have)."""
        changed = False
        while (message := self.subscription.get_message(timeout=0)) is not None:
            changed = changed or message["type"] == "message"
        if self.subscription.reconnected:  # anything published while it was away is lost
            self.subscription.reconnected, changed = False, True
        return changed

    def _drop(self):
        if self.subscription is not None:
            with contextlib.suppress(Exception):  # the connection may be gone already
                self.subscription.close()
        self.subscription, self.state = None, None
        self.pages.clear()

    def known_state(self):
        """The state this process may trust without asking Redis, or None."""
        with self.lock:
            self._reset_after_fork()
            if self.subscription is None or self.state is None:
                return None
            try:
                if self._drain():
                    self.state = None
            except Exception:
                logger.warning("Lost the page cache's subscription; reading the token from Redis", exc_info=True)
                self._drop()
            return self.state

    def listen(self):
        """Subscribe (and wait for Redis to confirm it) if not subscribed yet. False when that fails."""
        with self.lock:
            self._reset_after_fork()
            if self.subscription is not None:
                return True
            try:
                subscription = self.backend.subscribe(self.channel)
                confirmed = subscription.get_message(timeout=2)
                if not confirmed or confirmed["type"] != "subscribe":
                    subscription.close()
                    return False
            except Exception:
                logger.warning("Could not subscribe to the page cache's changes", exc_info=True)
                return False
            subscription.reconnected = False
            self.subscription = subscription
            return True

    def remember(self, state):
        """Trust ``state``, read after ``listen()``, unless a change arrived since it was read."""
        with self.lock:
            if self.subscription is None:
                return
            try:
                self.state = None if self._drain() else state
            except Exception:
                self._drop()

    def page(self, key, token):
        with self.lock:
            kept = self.pages.get(key)
            if kept is None or kept[0] != token:
                return None
            self.pages.move_to_end(key)
            return kept

    def keep(self, key, kept):
        with self.lock:
            self.pages[key] = kept
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)
