"""The API's OpenAPI description is valid, its documentation page runs under the site's Content-Security-Policy,
and every operation answers as the description says it will (a property-based run with schemathesis)."""

import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode, checks
from schemathesis.specs.openapi import checks as openapi_checks

from .helpers import get_json

pytestmark = pytest.mark.django_db

# Every operation, with path parameters that name something in the ``world`` fixture, so that generated
# requests reach real objects as well as unknown ones.
OPERATIONS = {
    "/api/v1/regions/": {},
    "/api/v1/regions/{slug}/": {"slug": "south-east"},
    "/api/v1/forces/": {},
    "/api/v1/forces/{slug}/": {"slug": "kent"},
    "/api/v1/years/": {},
    "/api/v1/years/{slug}/": {"slug": "2016"},
    "/api/v1/years/{slug}/table/": {"slug": "2016"},
    "/api/v1/assessments/": {},
    "/api/v1/assessments/{force}/{year}/": {"force": "kent", "year": "2016"},
    "/api/v1/judgments/": {},
}


def test_the_schema_is_valid_openapi_3_and_describes_every_operation(client, world):
    schema = get_json(client, "/api/v1/schema")
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {route: list(operations) for route, operations in schema["paths"].items()} == dict.fromkeys(
        OPERATIONS, ["get"]
    )
    for route in OPERATIONS:
        responses = schema["paths"][route]["get"]["responses"]
        assert {"200", "400"} <= set(responses)
        assert ("404" in responses) == ("{" in route)


def test_the_schema_documents_the_columns_of_the_grade_rows(client, world):
    from inspections.rows import COLUMN_MEANINGS, COLUMNS

    row = get_json(client, "/api/v1/schema")["components"]["schemas"]["GradeRow"]
    assert list(row["properties"]) == COLUMNS
    assert row["properties"]["grade"]["description"] == COLUMN_MEANINGS["grade"]


def test_the_docs_load_their_scripts_and_styles_from_this_site_only(client, world):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all(body.strip() == "" for _, body in scripts), "no inline script"
    assert "<style" not in html and "style=" not in html, "no inline style"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    start = client.get("/api/v1/docs/?script=")
    assert start["Content-Type"] == "application/javascript"
    assert 'url: "/api/v1/schema"' in start.content.decode()


@pytest.fixture
def api(world):
    """The API's schema as schemathesis reads it, calling the app in this process as Django's test client does:
    without closing the database connection between requests, which would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("route", OPERATIONS)
def test_every_operation_answers_as_the_schema_says(api, route):
    """Requests made from the schema, with parameters that fit it and parameters that do not, for unknown objects
    and known ones: no answer is a server error, and each has a status, a content type and a body the schema
    describes for the operation. Bounded to 60 examples an operation, the run takes seconds."""
    operation = api[route]["GET"]
    cases = (
        operation.as_strategy(GenerationMode.POSITIVE)
        | operation.as_strategy(GenerationMode.NEGATIVE)
        | operation.as_strategy(GenerationMode.POSITIVE, path_parameters=OPERATIONS[route])
    )

    @settings(max_examples=60, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def answers_as_described(case):
        case.call_and_validate(
            # Called in this process, a gzipped answer reaches schemathesis undecoded, so it asks for none, as a
            # client that does not decode gzip would (the page cache gzips only for those who accept it).
            headers={"Accept-Encoding": "identity"},
            checks=[
                checks.not_a_server_error,
                openapi_checks.status_code_conformance,
                openapi_checks.content_type_conformance,
                openapi_checks.response_schema_conformance,
            ],
        )

    answers_as_described()
