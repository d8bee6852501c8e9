import pytest
from django.test import Client
from django.urls import path

from tests.inspections.test_views import text_of


def broken_view(request):
    raise RuntimeError("the database went away")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.urls("tests.peel.test_errors")
def test_a_failure_shows_our_own_error_page_without_details():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    page = text_of(response)
    assert "Sorry, there is a problem with the service" in page
    assert "database went away" not in page


@pytest.mark.django_db
def test_an_unknown_address_shows_our_own_page_not_found(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert text_of(response).startswith("Page not found – PEEL assessments")


def test_the_site_icon_is_found_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/images/favicon.svg"


@pytest.mark.django_db
def test_pages_forbid_inline_scripts_and_framing(client):
    policy = client.get("/peel/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
