"""Browser tests: Playwright drives Debian's Chromium against a real gunicorn serving the real data.

The server is built the way production runs: debug off, `migrate`, `load_peel_data`, `collectstatic` into the
compressed manifest storage, then gunicorn with whitenoise. It has its own SQLite file and static folder in a
temporary directory, so it needs no pytest-django test database and ignores any DATABASE_URL outside.

Without Chromium at /usr/bin/chromium (or $PEEL_CHROMIUM) the browser tests are skipped with one reason;
with CI set they fail instead, so CI can never pass without having run them.
"""

import os

# Playwright's sync API runs an asyncio loop in this thread; without this, any Django ORM call made later
# in the same pytest process (the database tests run after these) raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.browser.axe import AXE_SCRIPT, assert_no_axe_violations  # noqa: E402
from tests.servers import finish, manage, start_gunicorn, stop  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PEEL_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
# Settings that would make the test server differ from production, or share state with another one.
_OUTER_ONLY = ("DJANGO_DEBUG", "DJANGO_PLAIN_STATIC", "DJANGO_ALLOWED_HOSTS", "REDIS_URL", "DATABASE_URL")
# Staff accounts on the test server, for walking through the admin.
STAFF = {"edna": "editor", "pat": "publisher"}
STAFF_PASSWORD = "a browser test password 2026"  # noqa: S105 - only ever on the throwaway test server


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def chromium_missing():
    """Why the browser tests cannot run here, or None when Chromium is installed."""
    if os.access(CHROMIUM, os.X_OK):
        return None
    install = "(install with: apt-get install chromium)"
    if in_ci():
        return f"Chromium not found at {CHROMIUM}, and CI must run the browser tests {install}"
    return f"Chromium not found at {CHROMIUM}: browser tests skipped {install}"


_skipped_for_chromium = pytest.StashKey[str]()


def pytest_collection_modifyitems(config, items):
    """Without Chromium, skip every browser test for one reason, or in CI stop the run with that reason."""
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    reason = browser_tests and chromium_missing()
    if not reason:
        return
    if in_ci():
        raise pytest.UsageError(reason)
    for item in browser_tests:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def chromium_executable():
    """Debian's Chromium (test collection has already skipped, or failed in CI, when it is missing)."""
    if reason := chromium_missing():
        pytest.fail(reason, pytrace=False) if in_ci() else pytest.skip(reason)
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT.relative_to(REPO)} is missing: run `make setup` (npm ci) first", pytrace=False)
    return CHROMIUM


@dataclass
class BrowserServer:
    url: str  # no trailing slash
    env: dict  # what the server was started with, for starting another on the same database
    root: Path  # its database, static files and logs


@pytest.fixture(scope="session")
def server_url(browser_server):
    """Base URL (no trailing slash) of a production-like gunicorn serving the real PEEL data."""
    return browser_server.url


@pytest.fixture(scope="session")
def browser_server(chromium_executable, tmp_path_factory):
    if not (REPO / "static" / "build" / "peel.css").is_file():
        pytest.fail("static/build/peel.css is missing: run `make setup` to build the CSS first", pytrace=False)
    root = tmp_path_factory.mktemp("browser-server")
    env = {name: value for name, value in os.environ.items() if name not in _OUTER_ONLY}
    env.update(
        DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",  # an absolute path: sqlite:////tmp/...
        DJANGO_LOCAL="true",
        DJANGO_SETTINGS_MODULE="tests.browser.server_settings",
        PEEL_BROWSER_STATIC_ROOT=str(root / "staticfiles"),
        PYTHONUNBUFFERED="1",
    )
    # collectstatic needs no database, so it runs while the database is built and loaded.
    collectstatic = manage(env, root, "collectstatic", "--noinput", "-v0")
    finish(manage(env, root, "migrate", "--noinput", "-v0"))
    finish(manage(env, root, "load_peel_data"))
    finish(manage(env, root, "load_consultations"))
    staff_env = {**env, "PEEL_STAFF_PASSWORD": STAFF_PASSWORD}
    for username, role in STAFF.items():
        finish(manage(staff_env, root, "add_staff", username, "--role", role))
    finish(collectstatic)
    for attempt in range(3):
        process, url = start_gunicorn(env, root / f"gunicorn-{attempt}.log")
        if process:
            break
    else:
        pytest.fail(f"gunicorn found no free port in 3 tries; logs in {root}", pytrace=False)
    yield BrowserServer(url, env, root)
    stop(process)


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts: new_page(viewport={...}, java_script_enabled=False, ...)."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page (1280 x 800) in its own browser context."""
    return new_page()


@pytest.fixture
def axe():
    """assert_no_axe_violations(page), for tests that prefer a fixture to an import."""
    return assert_no_axe_violations
