"""Where receipts go: an SMTP server named in the environment, else the console locally and nowhere on a server."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve

from consultations.context_processors import open_consultations
from tests.consultations.factories import make_consultation
from tests.peel.test_settings import start_django

SHOW = (
    "from django.core import mail; m = mail.mailers.default; "
    "print(type(m).__module__, m.host if hasattr(m, 'host') else '')"
)
SERVER = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "peel.example.org"}


def test_mail_goes_through_the_smtp_server_the_environment_names():
    result = start_django(f"{SHOW}; print(m.port, m.username, m.use_tls)", **SERVER, EMAIL_HOST="smtp.example.org",
                          EMAIL_PORT="2525", EMAIL_HOST_USER="peel", EMAIL_HOST_PASSWORD="secret")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.smtp", "smtp.example.org", "2525", "peel", "True"]


def test_without_a_mail_server_a_local_run_prints_mail_and_a_server_sends_none():
    local = start_django(SHOW, DJANGO_LOCAL="true")
    assert local.stdout.split() == ["django.core.mail.backends.console"], local.stderr
    server = start_django(SHOW, **SERVER)
    assert server.stdout.split() == ["django.core.mail.backends.dummy"], server.stderr


@pytest.mark.django_db
def test_the_banner_is_read_once_before_the_page_renders_and_never_for_the_admin(django_assert_num_queries, uncached):
    make_consultation(title="Open now")
    template = engines["django"].from_string(
        "{% for c in open_consultations %}{{ c.title }}{% endfor %}{% if open_consultations %}!{% endif %}"
    )
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        context = open_consultations(request)
    with django_assert_num_queries(0):
        assert template.render(context) == "Open now!"
        assert template.render(open_consultations(request)) == "Open now!"  # a second template: no new query
    admin = RequestFactory().get("/admin/")
    admin.resolver_match = resolve("/admin/")
    with django_assert_num_queries(0):
        assert open_consultations(admin) == {}


def test_once_kept_the_banner_costs_no_query_until_the_content_changes(db, django_assert_num_queries):
    make_consultation(title="Open now")
    open_consultations(RequestFactory().get("/"))
    with django_assert_num_queries(0):
        assert [c.title for c in open_consultations(RequestFactory().get("/"))["open_consultations"]] == ["Open now"]
    make_consultation(title="Also open")
    titles = [c.title for c in open_consultations(RequestFactory().get("/"))["open_consultations"]]
    assert sorted(titles) == ["Also open", "Open now"]
