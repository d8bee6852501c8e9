"""When the database cannot be reached, visitors get a short "try again shortly" page instead of an error.

A database that is down, restarting or out of reach makes Django raise ``OperationalError`` (or
``InterfaceError``, on a connection that has already broken). Left alone, each such request would end as a 500
page and a traceback in the log. This middleware answers it with a 503, ``Retry-After`` and the page in
``templates/503.html``, which needs nothing but its template: no database, no request, no context processors.
It is never stored (``no-store``), so neither the page cache nor a CDN keeps the outage once it is over.

The failure is caught wherever it happens while a request is handled:

* in the view or its template, through ``process_exception``;
* in another middleware (a session read or saved, the signed-in user looked up, a preview link checked).
  Django turns an exception raised there into a 500 response before any outer middleware could catch it, but
  first announces it with the ``got_request_exception`` signal, inside the ``except`` block. The receiver below
  notes a database failure on the request, and the middleware replaces the 500 on its way out. It sits near
  the top of settings.MIDDLEWARE, outside sessions, authentication and previews, so it sees all of these.

Each failed request is logged once, at ERROR, by "peel.outage": the method, the path without its query string
(which may hold a preview token) and the error's first line, never a cookie or a password.

Nothing has to be restarted when the database comes back. A connection that failed is closed when the request
ends (Django's ``close_old_connections``, run when every request starts and finishes, drops a connection that
raised an error and no longer answers), a kept connection is checked before it is reused (CONN_HEALTH_CHECKS in
peel/settings.py), and a connection that was never made is simply tried again by the next request.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import get_template

logger = logging.getLogger(__name__)
DATABASE_FAILURES = (OperationalError, InterfaceError)
FAILURE = "peel_database_failure"  # the request attribute that carries the failure to the middleware
RETRY_AFTER_SECONDS = 30


@receiver(got_request_exception, dispatch_uid="peel.outage")
def note_database_failure(sender, request=None, **kwargs):
    """Called while Django handles an exception that escaped a middleware or view: remember it on the request
    when it is the database's."""
    failure = sys.exc_info()[1]
    if request is not None and isinstance(failure, DATABASE_FAILURES):
        setattr(request, FAILURE, failure)


class OutageMiddleware:
    """Goes after WhiteNoise (static files need no database) and before the page cache, sessions and everything
    else that may query the database."""

    def __init__(self, get_response):
        self.get_response = get_response
        request_log = logging.getLogger("django.request")
        if not any(isinstance(known, KnownOutage) for known in request_log.filters):
            request_log.addFilter(KnownOutage())

    def __call__(self, request):
        response = self.get_response(request)
        failure = getattr(request, FAILURE, None)
        if failure is None:
            return response
        logger.error(
            "Database unavailable; answered 503 to %s %s (%s)", request.method, request.path, describe(failure)
        )
        if response.status_code != 503:  # the 500 Django made of a failure in another middleware
            response = unavailable()
        response._has_been_logged = True  # logged above: Django need not log it again as "Service Unavailable"
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_FAILURES):
            setattr(request, FAILURE, exception)
            return unavailable()
        return None


class KnownOutage(logging.Filter):
    """Drops Django's own "Internal Server Error" record of a failure the middleware answers and logs itself, so
    that an outage leaves one line per request in the log rather than two (one of them a traceback)."""

    def filter(self, record):
        return getattr(getattr(record, "request", None), FAILURE, None) is None


def unavailable():
    """The 503 response: the plain page, when to try again, and not to be stored anywhere."""
    seconds = getattr(settings, "PEEL_OUTAGE_RETRY_AFTER", RETRY_AFTER_SECONDS)
    response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def describe(failure):
    """The error's class and the first line of its message: enough to tell a refused connection from a timeout,
    without the rest of what a driver may add."""
    lines = str(failure).strip().splitlines()
    first = lines[0][:200] if lines else ""
    return f"{type(failure).__name__}: {first}" if first else type(failure).__name__
