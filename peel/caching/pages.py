"""Serve public pages to anonymous visitors from the cache, and store the ones that are the same for everyone.

A request is answered from the cache only when it could not be anyone's own: a GET or HEAD, outside the admin,
without ``?preview=``, from a visitor with no session and no pending message. A response is stored only when
it is the same for everyone: a 200 to a GET that set no cookie, used no CSRF token (so no form with a token is
ever stored) and did not ask to stay private (``Cache-Control: private``, ``no-store`` or ``no-cache``, as
previews, forms and the admin do). Downloads are stored whole, as they are small public files.

Stored pages lose ``Vary: Cookie`` (a visitor with a session is never served from here) and gain
``Cache-Control: public, max-age``, an ``ETag`` and a ``Last-Modified``, so browsers and a CDN may keep them and
ask again with ``If-None-Match`` or ``If-Modified-Since`` for a 304.

A text page or download of a kilobyte or more is also kept gzipped, once, and served so to a browser or CDN
that accepts gzip (``Content-Encoding: gzip``, ``Vary: Accept-Encoding``, its ``ETag`` made weak as Django's
GZipMiddleware makes it): the download of every grade goes from 670 KB to a tenth of that. Compressing is safe
here as it is not on every page: a kept page holds no CSRF token, session or anything a visitor sent, so there
is no secret beside attacker-chosen text for a compression side channel (BREACH) to find.
"""

import gzip
import hashlib
import logging
import re
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import generation

logger = logging.getLogger(__name__)
READING = ("GET", "HEAD")
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")
ADMIN_PREFIX = "/admin/"  # never cached, whoever asks (the admin also says so itself)
LONGEST_QUERY = 512  # longer query strings are answered but not stored
SMALLEST_COMPRESSED = 1024  # bytes: a smaller body is kept and served only as it is
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml", "application/rss+xml")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads Accept-Encoding


def enabled():
    return getattr(settings, "PEEL_PAGE_CACHE", True)


def may_answer_from_cache(request, *, cache_on=None):
    """Whether the request could be anyone's: a GET or HEAD outside the admin, no preview, no session."""
    if request.method not in READING or not (enabled() if cache_on is None else cache_on):
        return False
    if request.path_info.startswith(ADMIN_PREFIX):
        return False
    query = request.META.get("QUERY_STRING", "")
    if "preview=" in query or len(query) > LONGEST_QUERY:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def may_store(request, response):
    if request.method != "GET" or response.status_code != 200 or response.cookies:
        return False
    if "CSRF_COOKIE_NEEDS_UPDATE" in request.META:  # the page holds a CSRF token: it is this visitor's own
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(directive in cache_control for directive in PRIVATE_DIRECTIVES)


def page_key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"peel:page:{hashlib.sha256(address.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Goes straight after WhiteNoise, before sessions and authentication. A page is kept under its address with
    the token it was rendered under, and served only while that is the current token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_answer_from_cache(request):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # refused with a 400 on the way through
        key = page_key(request)
        try:
            state = generation.state()
            kept = _kept(key, state["token"])
        except Exception as error:  # an unreachable cache, or database: answer without it
            # A database outage is logged once per request by peel.outage; here one line is enough.
            logger.warning(
                "Page cache unavailable; answering without it", exc_info=not isinstance(error, DatabaseError)
            )
            return self.get_response(request)
        request.pages_unchanged_for = time.time() - state["since"]  # read by peel.database
        if kept is not None:
            return self._answer(request, _rebuild(kept, gzipped=accepts_gzip(request)))
        response = self.get_response(request)
        if not may_store(request, response):
            return response
        response = _finish(response)
        kept = _keep(state["token"], response)
        try:
            generation.cache().set(key, kept, timeout=settings.PEEL_PAGE_CACHE_SECONDS)
            if near := generation.nearby():
                near.keep(key, kept)
        except Exception:
            logger.warning("Could not store a page in the cache", exc_info=True)
        return self._answer(request, _rebuild(kept, gzipped=accepts_gzip(request)))

    def _answer(self, request, response):
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=response.peel_stored_at, response=response
        )


def accepts_gzip(request):
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _kept(key, token):
    """The page kept under ``key`` for ``token``: from this process's own memory when it has it, else from the
    shared cache."""
    near = generation.nearby()
    if near is not None and (kept := near.page(key, token)) is not None:
        return kept
    kept = generation.cache().get(key)
    if kept is None or kept[0] != token:
        return None
    if near is not None:
        near.keep(key, kept)
    return kept


def _finish(response):
    """The response as it is stored and served: whole, public, with validators, and not varying by cookie."""
    if response.streaming:
        content = b"".join(response.streaming_content)
        whole = HttpResponse(content, status=response.status_code)
        for header, value in response.items():
            whole[header] = value
        whole["Content-Length"] = str(len(content))
        response = whole
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip() and v.strip().lower() != "cookie"]
    if vary:
        response["Vary"] = ", ".join(vary)
    elif "Vary" in response:
        del response["Vary"]
    patch_cache_control(response, public=True, max_age=settings.PEEL_PAGE_BROWSER_SECONDS)
    response["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    response.peel_stored_at = int(time.time())
    response["Last-Modified"] = http_date(response.peel_stored_at)
    response.peel_gzipped = _gzipped(response)
    if response.peel_gzipped is not None:
        patch_vary_headers(response, ["Accept-Encoding"])  # both forms say so, for a CDN to keep them apart
    return response


def _gzipped(response):
    """The body gzipped, or None for a small body, one that is not text or one already encoded."""
    content = response.content
    kind = response.get("Content-Type", "")
    if len(content) < SMALLEST_COMPRESSED or not kind.startswith(COMPRESSIBLE) or "Content-Encoding" in response:
        return None
    gzipped = gzip.compress(content, compresslevel=6, mtime=0)
    return gzipped if len(gzipped) < len(content) else None


def _keep(token, response):
    headers = list(response.items())
    return (token, response.status_code, headers, response.content, response.peel_stored_at, response.peel_gzipped)


def _rebuild(kept, *, gzipped=False):
    """The kept response, gzipped when the visitor accepts it and a gzipped body is kept."""
    _, status, headers, content, stored_at, gzipped_content = kept
    response = HttpResponse(content, status=status, headers=headers)
    if gzipped and gzipped_content is not None:
        response.content = gzipped_content
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(gzipped_content))
        response["ETag"] = f"W/{response['ETag']}"  # the same page, in another encoding
    response.peel_stored_at = stored_at
    return response
