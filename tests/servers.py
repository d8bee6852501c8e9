"""Real gunicorn servers for tests that need one: the browser suite's, and the two-server cache test."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SERVER_START_SECONDS = 30


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect is then the answer, as an HTTPError


def start_gunicorn(env, log_path, *, workers=2, probe_headers=None):
    """Gunicorn on a free port, or (None, url) when the port was taken between choosing and binding it.

    It is ready when `/` answers 200. ``probe_headers`` go with that request: a Host the server allows and an
    X-Forwarded-Proto, say, for a server with production's settings; `/` must then answer 200 itself, since a
    redirect would point at that host, which is not this server.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "peel.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    probe = urllib.request.Request(f"{url}/", headers=probe_headers or {})  # noqa: S310
    open_url = urllib.request.build_opener(_NoRedirects).open if probe_headers else urllib.request.urlopen
    answer = "no answer"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if "Address already in use" in log_path.read_text():
                return None, url
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}", pytrace=False)
        try:
            with open_url(probe, timeout=2) as response:
                if response.status == 200:
                    return process, url
                answer = f"{response.status} to GET /"
        except urllib.error.HTTPError as error:
            answer = f"{error.code} to GET /"
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    stop(process)
    pytest.fail(
        f"gunicorn did not answer 200 within {SERVER_START_SECONDS} s ({answer}):\n{log_path.read_text()[-3000:]}",
        pytrace=False,
    )


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def manage(env, root, *args):
    """Start `manage.py <args>` for a test server, with its output in <root>/<command>.log; wait with finish()."""
    log = root / f"{args[0]}.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *args], cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    return process, log, args


def finish(step):
    process, log, args = step
    if process.wait():
        pytest.fail(f"manage.py {' '.join(args)} failed for the test server:\n{log.read_text()}", pytrace=False)
