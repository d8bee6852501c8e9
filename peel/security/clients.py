"""Which address a request came from, for login throttling, rate limits and the sign-in log."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or with DJANGO_BEHIND_PROXY the address the site's own proxies saw.

    Every proxy appends the address it was reached from to X-Forwarded-For, so the client is the entry
    DJANGO_PROXY_COUNT places from the end; anything before it was written by the client and proves nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < settings.PROXY_COUNT:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-settings.PROXY_COUNT]))
    except ValueError:
        return remote
