"""Mozilla's HTTP Observatory grades the site's pages A+, served the way production serves them.

A real gunicorn runs with production's settings (debug off, a secret key, one allowed host, behind a proxy that
ends TLS, static files collected into the compressed manifest storage) on its own SQLite database loaded with
the published data and the demo consultations. Each page is fetched the way the Observatory fetches it, with
the proxy's part played by the test: plain HTTP, followed through its redirects; HTTPS, which reaches the app
as a request with `X-Forwarded-Proto: https`; and a CORS preflight from the Observatory's own origin.

What was fetched then goes to tests/peel/observatory.mjs, which runs the Observatory's own tests and grader
(the npm package @mdn/mdn-http-observatory) on it. That needs Node and `npm ci`: without them the grading is
skipped, or fails when CI is set. The headers themselves are also checked here in Python against what the site
promises, so a failure can be understood without Node.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management.utils import get_random_secret_key

from tests.servers import finish, manage, start_gunicorn, stop

REPO = Path(__file__).resolve().parents[2]
OBSERVATORY = REPO / "tests" / "peel" / "observatory.mjs"
PACKAGE = REPO / "node_modules" / "@mdn" / "mdn-http-observatory"
HOST = "peel.example.org"
PAGES = {
    "home": "/",
    "force": "/forces/kent/",
    # The demo consultation (data/consultations/site-grades-demo.toml) is open from the day it is loaded.
    "consultation form": "/consultations/how-should-this-site-show-peel-grades/respond/",
    "admin sign-in": "/admin/login/",
}
PAGES_WITH_FORMS = {"consultation form", "admin sign-in"}  # the only pages that set a cookie: the CSRF token

# How the Observatory asks (its retriever and src/config.js), and how far it follows redirects.
OBSERVATORY_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "User-Agent": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:129.0) Gecko/20100101 Firefox/129.0 Observatory/129.0"
    ),
}
CORS_ORIGIN = "https://http-observatory.security.mozilla.org"
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 10

ONE_YEAR = 365 * 24 * 60 * 60
PRIVATE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
# Sources that let any script or plugin in: an inline one, a data: address, any host, any host over a scheme.
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "data:", "*", "http:", "https:", "ftp:"}


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def observatory_missing():
    """Why the Observatory cannot run here, or None when it can."""
    node = shutil.which("node")
    if not node:
        return "node is not installed (install Node.js 20.6 or newer)"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    numbers = re.match(r"v(\d+)\.(\d+)", version)
    if not numbers or (int(numbers[1]), int(numbers[2])) < (20, 6):  # 20.6: module.register, for observatory.mjs
        return f"node {version or '(of unknown version)'} is too old: observatory.mjs needs 20.6 or newer"
    if not (PACKAGE / "package.json").is_file():
        return "@mdn/mdn-http-observatory is not installed (run `make setup`, which runs npm ci)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The port of a gunicorn serving the site for HOST with production's settings, behind a (pretend) proxy."""
    root = tmp_path_factory.mktemp("observatory-server")
    outside = ("DJANGO_", "DATABASE_", "REDIS_URL", "PEEL_", "GUNICORN_")
    env = {name: value for name, value in os.environ.items() if not name.startswith(outside)}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.browser.server_settings",  # production's, with static files kept in root
        PEEL_BROWSER_STATIC_ROOT=str(root / "staticfiles"),
        DJANGO_SECRET_KEY=get_random_secret_key(),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_BEHIND_PROXY="true",
        DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",  # an absolute path: sqlite:////tmp/...
        PEEL_PAGE_CACHE="false",
        PYTHONUNBUFFERED="1",
    )
    collectstatic = manage(env, root, "collectstatic", "--noinput", "-v0")  # no database: runs alongside
    finish(manage(env, root, "migrate", "--noinput", "-v0"))
    finish(manage(env, root, "load_peel_data"))
    finish(manage(env, root, "load_consultations"))
    finish(collectstatic)
    probe = {"Host": HOST, "X-Forwarded-Proto": "https"}
    for attempt in range(3):
        process, url = start_gunicorn(env, root / f"gunicorn-{attempt}.log", workers=1, probe_headers=probe)
        if process:
            break
    else:
        pytest.fail(f"gunicorn found no free port in 3 tries; logs in {root}", pytrace=False)
    yield urlsplit(url).port
    stop(process)


def fetch(port, method, url, headers):
    """One request for `url` on HOST, as the proxy in front would pass it to the app: HTTPS as a request that
    says `X-Forwarded-Proto: https`, plain HTTP as one that says `http`."""
    parts = urlsplit(url)
    if parts.hostname != HOST:
        pytest.fail(f"{url} is not on {HOST}: the Observatory would have followed it off the site", pytrace=False)
    forwarded = "https" if parts.scheme == "https" else "http"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, headers={**headers, "Host": HOST, "X-Forwarded-Proto": forwarded})
        response = connection.getresponse()
        return {
            "url": url,
            "status": response.status,
            "headers": response.getheaders(),  # each Set-Cookie on its own
            "body": response.read().decode("utf-8", "replace"),
        }
    finally:
        connection.close()


def header(answer, name):
    """The values of one header of an answer, in order."""
    return [value for key, value in answer["headers"] if key.lower() == name.lower()]


def follow(port, url, method="GET", headers=OBSERVATORY_HEADERS):
    """Every answer from `url` to the first that is not a redirect, as the Observatory's retriever records it."""
    chain = [fetch(port, method, url, headers)]
    while chain[-1]["status"] in REDIRECTS and len(chain) <= MAX_REDIRECTS:
        location = header(chain[-1], "Location")
        if not location:
            break
        chain.append(fetch(port, method, urljoin(chain[-1]["url"], location[0]), headers))
    return chain


def fetch_like_the_observatory(port, path):
    """What the Observatory's retriever would fetch for https://HOST<path>, in observatory.mjs's input shape."""
    plain = follow(port, f"http://{HOST}{path}")
    secure = follow(port, f"https://{HOST}{path}")
    preflight_headers = {**OBSERVATORY_HEADERS, "Access-Control-Request-Method": "GET", "Origin": CORS_ORIGIN}
    preflight = follow(port, secure[-1]["url"], method="OPTIONS", headers=preflight_headers)[-1]
    preflight["requestHeaders"] = list(preflight_headers.items())
    return {"hostname": HOST, "http": plain, "https": secure, "preflight": preflight}


@pytest.fixture(scope="module")
def fetched(server):
    """Each page's answers, fetched once for every test of this module."""
    return {name: fetch_like_the_observatory(server, path) for name, path in PAGES.items()}


@pytest.fixture(scope="module")
def observatory():
    """Grade what was fetched for one page with the Observatory's own tests: {grade, score, tests}."""
    if reason := observatory_missing():
        if in_ci():
            pytest.fail(f"{reason}, and CI must grade the pages with the HTTP Observatory", pytrace=False)
        pytest.skip(f"the HTTP Observatory cannot grade the pages here: {reason}")
    # Its settings come from these variables when set: the tests must see its defaults.
    env = {name: value for name, value in os.environ.items() if name not in {"CONFIG_FILE", "CORS_ORIGIN"}}

    def grade(page):
        result = subprocess.run(  # noqa: S603
            [shutil.which("node"), str(OBSERVATORY)],
            input=json.dumps(page),
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            timeout=120,
            check=False,
        )
        if result.returncode:
            pytest.fail(f"observatory.mjs failed ({result.returncode}):\n{result.stderr}", pytrace=False)
        return json.loads(result.stdout)

    return grade


def explain(name, page, grading):
    """The grade, every test's result, and the headers graded: enough to see which header to fix."""
    lines = [
        f"{name} ({PAGES[name]}) is graded {grading['grade']} ({grading['score']}) by the HTTP Observatory, "
        "which should grade it A+ with every test passed:"
    ]
    for test, outcome in grading["tests"].items():
        mark = "pass" if outcome["pass"] else "FAIL"
        lines.append(
            f"  {mark} {test:<31} {outcome['result']:<55} {outcome['scoreModifier']:+d}  {outcome['description']}"
        )
    lines.append(f"Headers of the HTTPS answer ({page['https'][-1]['status']}):")
    lines += [f"  {key}: {value}" for key, value in page["https"][-1]["headers"]]
    route = " -> ".join(f"{answer['url']} ({answer['status']})" for answer in page["http"])
    lines.append(f"Plain HTTP went: {route}")
    preflight = page["preflight"]
    cors = [f"{key}: {value}" for key, value in preflight["headers"] if key.lower().startswith("access-control-")]
    lines.append(f"CORS preflight ({preflight['status']}): {'; '.join(cors) or 'no Access-Control-* headers'}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_the_http_observatory_grades_the_page_a_plus(name, observatory, fetched):
    grading = observatory(fetched[name])
    assert grading["grade"] == "A+", explain(name, fetched[name], grading)
    assert all(outcome["pass"] for outcome in grading["tests"].values()), explain(name, fetched[name], grading)


@pytest.mark.parametrize("name", PAGES)
def test_plain_http_is_sent_to_the_same_page_over_https(name, fetched):
    first = fetched[name]["http"][0]
    assert first["status"] == 301, f"plain HTTP to {PAGES[name]} answered {first['status']}, not a 301 to HTTPS"
    assert header(first, "Location") == [f"https://{HOST}{PAGES[name]}"]
    assert fetched[name]["http"][-1]["status"] == 200


def cookie_attributes(set_cookie):
    """The name of a Set-Cookie header's cookie, and its attributes: {lower-case name: value, or True}."""
    name_value, *attributes = (part.strip() for part in set_cookie.split(";"))
    parsed = {}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        parsed[key.strip().lower()] = value.strip() or True
    return name_value.partition("=")[0].strip(), parsed


def csp_directives(policy):
    directives = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        assert name not in directives, f"{name} is given twice in {policy!r}"
        directives[name.lower()] = set(sources)
    return directives


@pytest.mark.parametrize("name", PAGES)
def test_the_security_headers_are_as_promised(name, fetched):
    """The headers the site promises, checked without Node, each with a message that names it."""
    answer = fetched[name]["https"][-1]
    assert answer["status"] == 200, f"{PAGES[name]} over HTTPS answered {answer['status']}"

    hsts = header(answer, "Strict-Transport-Security")
    assert len(hsts) == 1, f"one Strict-Transport-Security header expected, got {hsts}"
    hsts_parts = {part.strip().lower() for part in hsts[0].split(";")}
    max_age = next((int(part[len("max-age=") :]) for part in hsts_parts if part.startswith("max-age=")), 0)
    assert max_age >= ONE_YEAR, f"HSTS max-age is {max_age} s, under a year: {hsts[0]}"
    assert {"includesubdomains", "preload"} <= hsts_parts, f"HSTS needs includeSubDomains and preload: {hsts[0]}"

    csp = header(answer, "Content-Security-Policy")
    assert len(csp) == 1, f"one Content-Security-Policy header expected, got {csp}"
    directives = csp_directives(csp[0])
    for directive in ("script-src", "style-src", "object-src"):
        sources = directives.get(directive, directives.get("default-src"))
        assert sources, f"CSP leaves {directive} open (neither it nor default-src is set): {csp[0]}"
        assert not sources & UNSAFE_SOURCES, f"CSP {directive} allows {sorted(sources & UNSAFE_SOURCES)}: {csp[0]}"
    assert directives.get("object-src") == {"'none'"}, f"CSP object-src is not 'none': {csp[0]}"
    assert directives.get("frame-ancestors") == {"'none'"}, f"CSP frame-ancestors is not 'none': {csp[0]}"
    for directive in ("base-uri", "form-action"):
        assert directives.get(directive) == {"'self'"}, f"CSP {directive} is not 'self': {csp[0]}"

    assert header(answer, "X-Content-Type-Options") == ["nosniff"]
    assert header(answer, "X-Frame-Options") == ["DENY"]
    referrer = header(answer, "Referrer-Policy")
    assert referrer and referrer[-1].split(",")[-1].strip() in PRIVATE_REFERRER_POLICIES, f"Referrer-Policy: {referrer}"
    assert header(answer, "Cross-Origin-Opener-Policy") == ["same-origin"]
    assert header(answer, "Cross-Origin-Resource-Policy") in (["same-origin"], ["same-site"])
    permissions = header(answer, "Permissions-Policy")
    assert len(permissions) == 1, f"one Permissions-Policy header expected, got {permissions}"
    refused = {part.strip() for part in permissions[0].split(",")}
    assert {"camera=()", "microphone=()", "geolocation=()"} <= refused, f"Permissions-Policy: {permissions[0]}"

    cookies = [cookie_attributes(value) for value in header(answer, "Set-Cookie")]
    if name in PAGES_WITH_FORMS:
        assert cookies, f"{PAGES[name]} sets no cookie: its form's CSRF cookie should be checked here"
    else:
        assert not cookies, f"{PAGES[name]} is a public page, kept in caches, and must set no cookie: {cookies}"
    for cookie, attributes in cookies:
        # __Host-: browsers take it only when Secure, from HTTPS, for Path=/ and with no Domain.
        assert cookie.startswith("__Host-"), f"cookie {cookie} has no __Host- prefix"
        assert attributes.get("secure") is True, f"cookie {cookie} is not Secure"
        assert attributes.get("httponly") is True, f"cookie {cookie} is not HttpOnly"
        assert str(attributes.get("samesite")).lower() in {"lax", "strict"}, f"cookie {cookie} has no SameSite"
        assert attributes.get("path") == "/" and "domain" not in attributes, f"cookie {cookie}: {attributes}"

    preflight = fetched[name]["preflight"]
    assert not header(preflight, "Access-Control-Allow-Origin"), f"{PAGES[name]} allows CORS: {preflight['headers']}"
