"""How many responses one client may send in a while, counted in the shared cache.

Clients are told apart by REMOTE_ADDR. Behind a proxy that is the proxy's address, so the proxy (or the
WSGI server's forwarded-address handling) must put the client's address there.
"""

from django.conf import settings
from django.core.cache import cache

# (responses, seconds): at most 10 new responses from one address in any 10-minute window.
DEFAULT_LIMIT = (10, 600)


def limit():
    return getattr(settings, "CONSULTATION_RESPONSE_LIMIT", DEFAULT_LIMIT)


def allow_response(request):
    """Count one more response from this client; False when that is more than the limit allows."""
    most, seconds = limit()
    key = f"consultations:responses:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= most


def retry_after():
    return limit()[1]
