"""What every answer says about itself to browsers: HTTPS only, what may load and from where, which methods exist;
and where to report a vulnerability."""

import os
import re
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory

from peel.security.clients import client_ip

from .test_settings import start_django

PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "peel.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.example.org",
}


def production(script, **env):
    result = start_django(script, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_settings_pass_every_deployment_check():
    result = subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))} | PRODUCTION,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_https_only_with_hsts_preload_and_host_only_cookies():
    values = production(
        "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_PRELOAD,"
        " settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME,"
        " settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_HTTPONLY, settings.PEEL_REQUIRE_2FA)"
    )
    assert values == [
        "True",
        "63072000",
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
    ]


@pytest.mark.parametrize(("env", "trusted"), [({}, "None"), ({"DJANGO_BEHIND_PROXY": "true"}, "True")])
def test_x_forwarded_proto_is_believed_only_behind_a_declared_proxy(env, trusted):
    [value] = production("print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None) and True)", **env)
    assert value == trusted


def test_a_claim_of_https_from_an_undeclared_proxy_is_redirected(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    answer = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert answer.status_code == 301
    assert answer["Location"] == "https://testserver/"


def test_behind_a_declared_proxy_https_is_trusted_and_hsts_sent(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 63072000
    answer = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert answer.status_code == 200
    assert answer["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"


@pytest.mark.parametrize(
    ("forwarded", "count", "expected"),
    [
        ("203.0.113.5", 1, "203.0.113.5"),
        ("198.51.100.1, 203.0.113.5", 1, "203.0.113.5"),  # the first was written by the client
        ("198.51.100.1, 203.0.113.5, 10.0.0.2", 2, "203.0.113.5"),
        ("not-an-address", 1, "10.9.9.9"),
        ("", 1, "10.9.9.9"),
    ],
)
def test_the_client_address_is_read_from_the_proxys_end_of_x_forwarded_for(settings, forwarded, count, expected):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_without_a_declared_proxy_x_forwarded_for_is_ignored(settings):
    settings.BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == "10.9.9.9"


PAGES = ["/", "/forces/", "/forces/kent/", "/api/v1/forces/", "/static/images/favicon.svg", "/admin/login/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_answer_carries_the_browser_protections(client, peel_data, settings, url):
    settings.WHITENOISE_USE_FINDERS = True  # static files straight from the source folders, as in development
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["Cross-Origin-Opener-Policy"] == "same-origin"
    assert answer["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in answer["Permissions-Policy"] and "geolocation=()" in answer["Permissions-Policy"]


@pytest.mark.parametrize("url", ["/", "/admin/login/"])
def test_the_content_security_policy_allows_no_inline_script_and_no_framing(client, db, url):
    policy = dict(
        directive.strip().split(" ", 1) for directive in client.get(url)["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy["style-src"]


METHODS = ["TRACE", "OPTIONS", "PUT", "DELETE", "PATCH", "CONNECT"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("url", ["/", "/forces/kent/", "/static/images/favicon.svg", "/admin/"])
def test_methods_other_than_get_head_and_post_are_refused(client, db, method, url):
    answer = client.generic(method, url)
    assert answer.status_code == 405
    assert answer["Allow"] == "GET, HEAD, POST"
    assert answer["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.parametrize("method", METHODS)
def test_the_api_refuses_them_in_json_like_its_other_answers(client, db, method):
    answer = client.generic(method, "/api/v1/forces/")
    assert answer.status_code == 405
    assert answer["Content-Type"] == "application/json"
    assert answer["Cross-Origin-Resource-Policy"] == "same-origin"


def test_security_txt_says_where_to_report_and_until_when(client, db):
    answer = client.get("/.well-known/security.txt")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in answer.text.splitlines())
    assert fields["Contact"] == "http://testserver/contact/"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=30) < expires - datetime.now(UTC) < timedelta(days=365)
    assert fields["Preferred-Languages"] == "en"


def test_security_txt_names_the_contact_set_for_production(client, db, settings):
    settings.PEEL_SECURITY_CONTACT = "mailto:security@example.org"
    assert "Contact: mailto:security@example.org\n" in client.get("/.well-known/security.txt").text


def test_a_security_contact_that_is_not_an_address_stops_start_up():
    result = start_django(PEEL_SECURITY_CONTACT="call the switchboard", DJANGO_LOCAL="true")
    assert result.returncode != 0
    assert "PEEL_SECURITY_CONTACT must start with mailto: or https://" in result.stderr


def test_local_runs_sign_with_a_key_of_their_own_kept_out_of_the_repository():
    first = start_django("print(settings.SECRET_KEY)", DJANGO_LOCAL="true").stdout.strip()
    second = start_django("print(settings.SECRET_KEY)", DJANGO_LOCAL="true").stdout.strip()
    assert first == second  # every process of a local run agrees
    assert len(first) >= 50 and "insecure" not in first
    key_file = settings.BASE_DIR / ".local-secret-key"
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    ignored = subprocess.run(  # noqa: S603
        ["git", "check-ignore", "-q", str(key_file)],  # noqa: S607
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert ignored.returncode == 0
    assert first not in (settings.BASE_DIR / "peel" / "settings.py").read_text()


def test_a_local_run_says_it_is_local():
    result = start_django("from django.core.management import call_command; call_command('check')", DJANGO_LOCAL="true")
    assert re.search(r"peel\.I001\) Local mode .* Never serve the public like this", result.stdout + result.stderr)
