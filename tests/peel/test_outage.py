"""With the database out of reach, pages answer 503 quickly with a plain page, and recover by themselves.

The in-process tests make every query fail the way a lost connection does (an execute wrapper on the test's
connection raising ``OperationalError``), and look at the answer wherever the failure strikes: in a view, in a
middleware before the view, in a middleware after it, and in the page-not-found page.

The PostgreSQL test runs a real gunicorn whose database connections pass through a TCP proxy written here.
Switched to "dark", the proxy cuts every connection it carries and accepts new ones without ever answering, as a
database host that silently drops packets looks to its clients; the test times the server's answers, then
switches the proxy back and expects the same server process to serve pages again.
"""

import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager, suppress

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from peel import urls as site
from peel.outage import unavailable
from tests.factories import make_force
from tests.inspections.test_views import text_of
from tests.peel.test_settings import start_django
from tests.peel.test_valid_html import VNU, checker
from tests.servers import start_gunicorn, stop

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
OUTAGE_SECONDS = 5  # the longest a page may take to say the service is unavailable
LOST = "server closed the connection unexpectedly"


def lost_connection(execute, sql, params, many, context):
    raise OperationalError(LOST)


@contextmanager
def database_down():
    """Every query on this thread's connection fails until the block ends."""
    with connection.execute_wrapper(lost_connection):
        yield


def assert_outage_page(response, retry_after="30"):
    assert response.status_code == 503
    assert response["Retry-After"] == retry_after
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/html")
    page = text_of(response)
    assert "Sorry, the service is unavailable" in page
    assert "Please try again in a few minutes." in page
    for detail in ("Traceback", "OperationalError", LOST, "SELECT"):
        assert detail not in response.content.decode()


def write_session(request):
    """A view that needs no database itself but changes the session, which is saved after it has answered."""
    request.session["seen"] = True
    return HttpResponse("seen")


urlpatterns = [path("session/", write_session), *site.urlpatterns]  # the site's own too: middleware uses them


@pytest.mark.django_db
def test_a_public_page_answers_503_while_the_database_fails_and_200_once_it_is_back(client):
    make_force(name="Kent Police", slug="kent")
    with database_down():
        assert_outage_page(client.get("/forces/"))
    recovered = client.get("/forces/")
    assert recovered.status_code == 200 and "Kent Police" in text_of(recovered)


@pytest.mark.django_db
def test_how_long_to_wait_can_be_set(client, settings):
    settings.PEEL_OUTAGE_RETRY_AFTER = 120
    with database_down():
        assert_outage_page(client.get("/forces/"), retry_after="120")


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["debug off", "debug on"])
def test_a_failure_in_a_middleware_before_the_view_is_a_503_too(admin_client, settings, debug):
    """A signed-in member of staff asking for a preview: the middleware reads the session and the user first.
    Django turns that failure into a 500 (with debug on, its traceback page) before the outage middleware sees
    it; the answer must still be the plain 503."""
    settings.DEBUG = debug
    admin_client.raise_request_exception = False
    with database_down():
        assert_outage_page(admin_client.get("/forces/?preview=1"))


@pytest.mark.django_db
@pytest.mark.urls("tests.peel.test_outage")
def test_a_failure_in_a_middleware_after_the_view_is_a_503_too():
    """The session is saved by its middleware once the view has answered: that is where this one fails."""
    visitor = Client(raise_request_exception=False)
    with database_down():
        assert_outage_page(visitor.post("/session/"))
    assert visitor.post("/session/").status_code == 200


@pytest.mark.django_db
def test_a_page_not_found_while_the_database_fails_is_a_503(client):
    """The page-not-found page has the site's navigation and consultation banner, which need the database."""
    client.raise_request_exception = False
    with database_down():
        assert_outage_page(client.get("/no/such/page/"))
    assert client.get("/no/such/page/").status_code == 404


@pytest.mark.django_db
def test_each_failed_request_is_logged_once_without_its_query_string_or_cookies(admin_client, caplog):
    admin_client.raise_request_exception = False
    session = admin_client.cookies["sessionid"].value
    with database_down(), caplog.at_level("INFO"):
        admin_client.get("/forces/?preview=1&token=kept-out-of-the-log")
        admin_client.get("/forces/")
    errors = [record for record in caplog.records if record.levelname == "ERROR"]
    assert [(record.name, record.getMessage()) for record in errors] == [
        ("peel.outage", f"Database unavailable; answered 503 to GET /forces/ (OperationalError: {LOST})"),
    ] * 2
    assert "kept-out-of-the-log" not in caplog.text and session not in caplog.text
    assert "Traceback" not in caplog.text


def test_the_page_needs_no_database():
    page = unavailable().content.decode()  # without the django_db mark, any query would raise
    assert "<title>Sorry, the service is unavailable – PEEL assessments</title>" in page


def test_the_page_is_valid_html(tmp_path):
    java = checker()
    page = tmp_path / "503.html"
    page.write_bytes(unavailable().content)
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", str(page)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stderr)["messages"] == []


@pytest.mark.parametrize(
    ("url", "timeout", "options"),
    [
        ("postgres://peel:secret@db.internal:5432/peel", "", "{'connect_timeout': 3}"),
        ("postgres://peel:secret@db.internal:5432/peel", "7", "{'connect_timeout': 7}"),
        ("postgres://peel:secret@db.internal:5432/peel?connect_timeout=9", "7", "{'connect_timeout': 9}"),
        ("sqlite:///peel.sqlite3", "7", "{}"),
    ],
    ids=["default", "from the environment", "from the address", "not for SQLite"],
)
def test_a_postgresql_connection_attempt_gives_up_quickly(url, timeout, options):
    started = start_django(
        "print(settings.DATABASES['default'].get('OPTIONS', {}))",
        DJANGO_LOCAL="true",
        DATABASE_URL=url,
        DJANGO_DB_CONNECT_TIMEOUT=timeout,
    )
    assert started.stdout.strip() == options, started.stderr[-2000:]


class DatabaseProxy:
    """Forwards connections on 127.0.0.1:``port`` to ``target``, until it is told to go dark.

    Dark, it cuts every connection it was forwarding and accepts new ones without ever reading from them or
    answering, as a database host that silently drops packets would look once the client's handshake is done.
    """

    def __init__(self, target):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dark = threading.Event()
        self.lock = threading.Lock()
        self.open = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def go_dark(self):
        self.dark.set()
        self._cut_all()

    def light_up(self):
        self.dark.clear()
        self._cut_all()  # the connections held while dark: their clients gave up on them long ago

    def close(self):
        self.listener.close()
        self._cut_all()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # the listener was closed
            self._keep(client)
            if self.dark.is_set():
                continue  # held open, never answered
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._cut(client)
                continue
            server.settimeout(None)
            self._keep(server)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._cut(source)
            self._cut(sink)

    def _keep(self, sock):
        with self.lock:
            self.open.add(sock)

    def _cut(self, sock):
        with self.lock:
            self.open.discard(sock)
        with suppress(OSError):  # already shut
            sock.shutdown(socket.SHUT_RDWR)  # wakes a thread waiting to read it
        sock.close()

    def _cut_all(self):
        with self.lock:
            everything = list(self.open)
        for sock in everything:
            self._cut(sock)


@pytest.fixture
def proxy():
    database = connection.settings_dict
    proxy = DatabaseProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def server(proxy, tmp_path):
    """One gunicorn worker on the test database, reached through the proxy, with no page cache: every page is
    rendered from the database."""
    database = connection.settings_dict
    user, password, name = (urllib.parse.quote(database[key], safe="") for key in ("USER", "PASSWORD", "NAME"))
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "DJANGO_", "REDIS"))},
        "DATABASE_URL": f"postgres://{user}:{password}@127.0.0.1:{proxy.port}/{name}",
        "DJANGO_LOCAL": "true",
        "DJANGO_PLAIN_STATIC": "true",
        "PEEL_PAGE_CACHE": "false",
        "GUNICORN_ACCESS_LOG": "",
    }
    for attempt in range(3):
        log = tmp_path / f"gunicorn-{attempt}.log"
        process, url = start_gunicorn(env, log, workers=1)
        if process:
            break
    else:
        pytest.fail("no free port for gunicorn")
    yield process, url, log
    stop(process)


def fetch(url):
    """(status, headers, body, seconds) of a GET, given up on after OUTAGE_SECONDS."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=OUTAGE_SECONDS) as response:  # noqa: S310
            answer = response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        answer = error.code, error.headers, error.read().decode()
    return (*answer, time.monotonic() - started)


@pytest.mark.django_db(transaction=True)  # committed, for the server to see
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
def test_a_real_server_answers_503_quickly_while_the_database_is_dark_and_recovers(proxy, server):
    process, url, log = server
    make_force(name="Kent Police", slug="kent")
    status, _, page, _ = fetch(f"{url}/forces/")
    assert status == 200 and "Kent Police" in page
    assert fetch(f"{url}/readyz")[:1] == (200,)

    proxy.go_dark()
    status, headers, page, seconds = fetch(f"{url}/forces/")
    print(f"\n/forces/ with the database dark: {status} in {seconds:.2f} s")
    assert status == 503 and seconds < OUTAGE_SECONDS
    assert headers["Retry-After"] == "30" and headers["Cache-Control"] == "no-store"
    assert "Sorry, the service is unavailable" in page and "Traceback" not in page
    status, _, body, seconds = fetch(f"{url}/readyz")
    print(f"/readyz with the database dark: {status} in {seconds:.2f} s")
    assert (status, body) == (503, "not ready") and seconds < OUTAGE_SECONDS
    status, _, body, seconds = fetch(f"{url}/healthz")
    assert (status, body) == (200, "ok") and seconds < 1

    proxy.light_up()
    status, _, page, seconds = fetch(f"{url}/forces/")
    print(f"/forces/ once the database is back: {status} in {seconds:.2f} s")
    assert status == 200 and "Kent Police" in page
    assert fetch(f"{url}/readyz")[:1] == (200,)

    assert process.poll() is None  # the same server throughout, and the same worker:
    output = log.read_text()
    assert "WORKER TIMEOUT" not in output and "Booting worker" in output and output.count("Booting worker") == 1
    assert output.count("Database unavailable; answered 503 to GET /forces/") == 1
    assert "Traceback" not in output
