"""Gunicorn's settings for serving PEEL, read from the environment (gunicorn loads this file from the folder it
starts in: run `gunicorn peel.wsgi` from the project root).

GUNICORN_WORKERS (default: two per CPU, plus one) and GUNICORN_THREADS (default 1) set the processes and the
threads in each; GUNICORN_BIND (default 127.0.0.1:8000, or 0.0.0.0:$PORT when a platform sets PORT) where it
listens; GUNICORN_TIMEOUT (default 30 s) how long a request may take before its worker is restarted.

The page cache must be shared by every process that serves the site, or a publish seen by one worker would not
drop the pages another keeps; so must the site facts each process keeps (peel/caching/kept.py). With more than
one worker and no REDIS_URL, both are therefore switched off (unless PEEL_PAGE_CACHE or PEEL_KEEP_SITE_FACTS
says otherwise), and the log says so.
"""

import gc
import logging
import multiprocessing
import os


def _number(name, default):
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None


workers = _number("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _number("GUNICORN_THREADS", 1)
port = os.environ.get("PORT", "").strip()
bind = os.environ.get("GUNICORN_BIND", "").strip() or (f"0.0.0.0:{port}" if port else "127.0.0.1:8000")

timeout = _number("GUNICORN_TIMEOUT", 30)
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _number("GUNICORN_KEEPALIVE", 5)  # seconds; behind a proxy that keeps connections, set it higher
max_requests = _number("GUNICORN_MAX_REQUESTS", 0)  # 0: workers are never recycled
max_requests_jitter = _number("GUNICORN_MAX_REQUESTS_JITTER", 0)
# gunicorn's control socket (for `gunicornc`) is one fixed path per user: off unless asked for, so that two
# servers on one machine (a test, a benchmark) do not take it from each other.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip() == ""
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"].strip()
limit_request_line = 8190
# Whether a request came over HTTPS is Django's to decide (DJANGO_BEHIND_PROXY): gunicorn would otherwise believe
# X-Forwarded-Proto from any client on this machine.
secure_scheme_headers = {}
limit_request_fields = 100

# One line per request on standard output: who, when, what, the answer, its size, how long it took (µs), and
# the request's id from a proxy when there is one. No query strings with secrets exist on this site, but
# preview tokens do: the address is logged without its query string.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus "%({x-request-id}i)s" "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    """Once the worker has loaded the site, move everything loaded so far out of the garbage collector's sight:
    it lives as long as the worker, and scanning it again at every collection slows the pages down."""
    gc.freeze()


def on_starting(server):
    workers = server.cfg.workers  # the command line's --workers wins over this file's
    if workers > 1 and not os.environ.get("REDIS_URL", "").strip():
        kept = [name for name in ("PEEL_PAGE_CACHE", "PEEL_KEEP_SITE_FACTS") if name not in os.environ]
        for name in kept:
            os.environ[name] = "false"
        if kept:
            logging.getLogger("gunicorn.error").warning(
                "%d workers and no REDIS_URL: %s off, since each worker's own memory would not hear of a publish "
                "made through another. Set REDIS_URL to share one cache.",
                workers,
                " and ".join(kept),
            )
