"""Every refusal the API makes is JSON with a message: a bad query is a 400 naming the parameter, an unknown
object or address a 404, a method other than GET or HEAD a 405. Nothing a client sends makes a 500."""

import pytest
from django.test import Client
from django.urls import path

from peel.api import PublicViewSet

from .helpers import get_json

pytestmark = pytest.mark.django_db

LONG = "x" * 5000


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/forces/?region=atlantis", "region"),
        (f"/api/v1/forces/?region={LONG}", "region"),
        (f"/api/v1/forces/?q={LONG}", "q"),
        ("/api/v1/forces/?q=%00", "q"),
        ("/api/v1/forces/?region=eastern&region=south-east", "region"),
        ("/api/v1/forces/?regoin=eastern", "regoin"),
        ("/api/v1/forces/?format=xml", "format"),
        ("/api/v1/forces/?page=0", "page"),
        ("/api/v1/forces/?page=2", "page"),
        ("/api/v1/forces/?page=one", "page"),
        ("/api/v1/forces/?page=1&page=2", "page"),
        ("/api/v1/forces/?page_size=0", "page_size"),
        ("/api/v1/forces/?page_size=501", "page_size"),
        ("/api/v1/forces/?page_size=%C2%B2", "page_size"),
        ("/api/v1/forces/kent/?q=kent", "q"),
        ("/api/v1/regions/?q=kent", "q"),
        ("/api/v1/years/?year=2016", "year"),
        ("/api/v1/years/2016/table/?level=cells", "level"),
        ("/api/v1/years/2016/table/?grade=adequate", "grade"),
        ("/api/v1/years/2016/table/?pillar=leadership", "pillar"),
        ("/api/v1/years/2016/table/?sort=nothing", "sort"),
        ("/api/v1/years/2016/table/?region=atlantis", "region"),
        ("/api/v1/years/2016/table/?order=best&order=worst", "order"),
        ("/api/v1/years/2016/table/?page=2", "page"),
        ("/api/v1/years/2016/table/?format=csv", "format"),
        ("/api/v1/assessments/?year=1066", "year"),
        ("/api/v1/assessments/?force=atlantis", "force"),
        ("/api/v1/assessments/kent/2016/?pillar=effectiveness", "pillar"),
        ("/api/v1/judgments/?pillar=nothing", "pillar"),
        ("/api/v1/judgments/?level=all", "level"),
        ("/api/v1/judgments/?grade=excellent", "grade"),
        ("/api/v1/judgments/?region=south-east&region=eastern", "region"),
        ("/api/v1/?anything=1", "anything"),
    ],
)
def test_a_refused_query_parameter_is_a_400_naming_it(client, world, url, parameter):
    refusal = get_json(client, url, status=400)
    assert set(refusal) == {"detail", "errors"}
    assert refusal["detail"].startswith("The query was refused.")
    assert list(refusal["errors"]) == [parameter]
    assert all(isinstance(message, str) and message for message in refusal["errors"][parameter])


def test_the_refusal_says_what_the_endpoint_reads(client, world):
    refusal = get_json(client, "/api/v1/forces/?regoin=eastern", status=400)
    assert refusal["errors"] == {
        "regoin": ["Not a parameter of this endpoint. Choose from: q, region, page, page_size."]
    }


def test_a_repeated_grade_is_a_choice_of_several_not_a_mistake(client, world):
    assert get_json(client, "/api/v1/years/2016/table/?grade=good&grade=inadequate")["rows"]
    assert get_json(client, "/api/v1/judgments/?grade=good&grade=inadequate")["count"] == 2


def test_more_query_parameters_than_django_reads_is_a_400(client, world):
    query = "&".join(f"q{n}=1" for n in range(1100))
    refusal = get_json(client, f"/api/v1/forces/?{query}", status=400)
    assert refusal == {"detail": "The request was refused as malformed."}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/forces/atlantis/",
        "/api/v1/regions/atlantis/",
        "/api/v1/years/1066/",
        "/api/v1/years/1066/table/",
        "/api/v1/assessments/atlantis/2016/",
        "/api/v1/assessments/kent/1066/",
        "/api/v1/judgments/1/",
        "/api/v1/nothing/here/",
        "/api/v2/",
        "/api/",
        f"/api/v1/forces/{LONG}/",
    ],
)
def test_an_unknown_object_or_address_is_a_404_in_json(client, world, url):
    refusal = get_json(client, url, status=404)
    assert refusal["detail"].startswith("Nothing is published at this address.")


def test_an_endpoint_without_its_final_slash_is_redirected_to_it(client, world):
    response = client.get("/api/v1/forces?q=kent")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/forces/?q=kent"
    assert client.get("/api/v1/nothing").status_code == 404


EVERY_KIND_OF_VIEW = ["/api/v1/", "/api/v1/forces/", "/api/v1/forces/kent/", "/api/v1/schema", "/api/v1/docs/"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
@pytest.mark.parametrize("url", EVERY_KIND_OF_VIEW)
def test_any_method_but_get_or_head_is_a_405_in_json(client, world, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == f'Method "{method.upper()}" not allowed.'
    assert response["Allow"] == "GET, HEAD"


def test_a_client_that_asks_for_html_still_gets_json(client, world):
    response = client.get("/api/v1/forces/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


class BrokenViewSet(PublicViewSet):
    def list(self, request):
        raise RuntimeError("the database went away")


urlpatterns = [path("api/v1/broken/", BrokenViewSet.as_view({"get": "list"}))]


@pytest.mark.urls(__name__)
def test_a_failure_is_json_without_details():
    response = Client(raise_request_exception=False).get("/api/v1/broken/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Sorry, there is a problem with the service. Try again later."}


@pytest.mark.urls(__name__)
def test_a_failure_still_reaches_django_so_tests_and_error_reports_see_it():
    with pytest.raises(RuntimeError, match="the database went away"):
        Client().get("/api/v1/broken/")
