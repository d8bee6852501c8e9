"""Processes the benchmark starts: Django commands and bench modules on a named database, and gunicorn.

Every child gets its database in the environment (DATABASE_URL for manage.py and gunicorn, the same as
BENCH_DATABASE_URL for bench modules), the benchmark's settings (``bench.settings``) and debug off.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKERS = 2  # sync workers, unless a caller asks for others
# For gunicorn.conf.py, should there be one: no access log (wrk makes thousands of requests); the workers and
# threads are set with them, as on the command line.
SERVER = {"GUNICORN_ACCESS_LOG": ""}


def environment(database_url, **extra):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        BENCH_DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_LOCAL=env.get("DJANGO_LOCAL") or "true",
        DJANGO_DEBUG="false",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DJANGO_PLAIN_STATIC", None)
    env.pop("REDIS_URL", None)  # never the developer's cache: each process its own, unless REDIS_URL is given here
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(args, database_url, **extra):
    """Run ``python ARGS`` in the project folder, keeping its output to show only if it fails (its errors
    and progress on stderr are shown as they come). Raises CalledProcessError when it fails."""
    done = subprocess.run(  # noqa: S603
        [PYTHON, *args], cwd=ROOT, env=environment(database_url, **extra), stdout=subprocess.PIPE, text=True
    )
    if done.returncode:
        print(done.stdout, end="")
        done.check_returncode()


def manage(database_url, *args):
    run(["manage.py", *args], database_url)


def shared_cache():
    """The benchmark's own Redis database (BENCH_REDIS_URL), emptied so that nothing an earlier run cached is
    served, when it answers; else None (each process then keeps its own cache in memory)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except Exception:  # noqa: BLE001 (whatever the reason, there is no shared cache)
        return None
    return REDIS_URL


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, timeout=30):
    """(status, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own loopback server)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def server_line(workers, threads):
    """How a gunicorn started by ``gunicorn`` serves, in words."""
    if threads > 1:
        return f"{workers} workers × {threads} threads (gthread)"
    return f"{workers} sync workers"


@contextmanager
def gunicorn(database_url, *, workers=WORKERS, threads=1, **extra):
    """A gunicorn serving the site on a free loopback port with ``workers`` processes, sync ones when
    ``threads`` is 1, else gthread ones with ``threads`` threads each; yields its base URL.

    A gunicorn.conf.py at the project's root is read as usual; the workers, threads, address and log level
    given here win over it, and ``SERVER`` and the same workers and threads set what it reads from the
    environment."""
    port = free_port()
    args = [PYTHON, "-m", "gunicorn", "peel.wsgi", "--bind", f"127.0.0.1:{port}"]
    args += ["--workers", str(workers), "--threads", str(threads)]
    args += ["--worker-class", "gthread" if threads > 1 else "sync"]
    args += ["--log-level", "warning", "--pythonpath", str(ROOT)]
    config = {"GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)}
    env = environment(database_url, **{**SERVER, **config, **extra})
    server = subprocess.Popen(args, cwd=ROOT, env=env)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up (exit status {server.returncode})")
            try:
                if get(f"{base}/", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 seconds")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
