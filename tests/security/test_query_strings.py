"""Every public address, with each query parameter it reads (and one it does not) set to each payload of the
corpus, answers without a 5xx, and no HTML answer shows the payload unescaped or gains anything active from it.

The addresses come from the URL conf: every route outside the admin, its path filled with real slugs from the
loaded data. The query parameters the pages read come from their FilterSets and forms, and the API's from its
OpenAPI description (which drf-spectacular builds from the FilterSets and the paginator). The query string is
built by hand, so malformed percent-encoding and repeated parameters reach Django as sent. Each payload also
stands in for each path parameter in turn.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver, reverse

from forces.filters import ForceFilter, YearChoiceForm
from inspections.filters import YearTableFilter
from inspections.models import Assessment
from peel.publishing.preview import PARAMETER as PREVIEW

from .checks import active_content, is_html, problems
from .corpus import PAYLOADS, encode, ids

pytestmark = pytest.mark.django_db

UNKNOWN = "zz-not-a-parameter"

# The query parameters each HTML page reads (the preview parameter, read for every page, is added below).
PAGE_READS = {
    "forces:force-list": [*ForceFilter.base_filters, *YearChoiceForm.base_fields],
    "forces:force-detail": ["format"],
    "inspections:year-detail": [*YearTableFilter.base_filters, "format"],
    "inspections:compare": ["force", "start", "format"],
    "consultations:confirmation": ["receipt"],
    "api:docs": ["script"],
}


def path_values(site):
    """The path parameters each route is filled with: real objects from the loaded data."""
    assessment = {"force": site.force, "year": site.year}
    return {
        "inspections:all-grades": [{"fmt": "csv"}],
        "inspections:year-detail": [{"year": site.year}],
        "inspections:assessment-detail": [assessment],
        "inspections:pillar-detail": [assessment | {"pillar": site.pillar}],
        "forces:force-detail": [{"force": site.force}],
        "api:region-detail": [{"slug": site.region}],
        "api:force-detail": [{"slug": site.force}],
        "api:year-detail": [{"slug": site.year}],
        "api:year-table": [{"slug": site.year}],
        "api:assessment-detail": [assessment],
        "consultations:consultation-detail": [{"slug": site.open_consultation}, {"slug": site.closed_consultation}],
        "consultations:respond": [{"slug": site.open_consultation}],
        "consultations:submit": [{"slug": site.open_consultation}],
        "consultations:confirmation": [{"slug": site.open_consultation}],
    }


# Routes without a name, by their pattern: where to send a request for each.
UNNAMED = {"favicon.ico": ["/favicon.ico"], "api/": ["/api/", "/api/v2/nothing/"]}


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str | None
    parameters: tuple[str, ...]


def public_routes(resolver=None, prefix="", namespace=""):
    """Every route in the URL conf but the admin's."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if pattern.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from public_routes(entry, pattern, inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(pattern, name, tuple(entry.pattern.regex.groupindex))


def api_reads(client):
    """The query parameters of each API path, as its OpenAPI description gives them: {path regex: names}."""
    schema = client.get(reverse("api:schema")).json()
    reads = {}
    for path, operations in schema["paths"].items():
        names = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
        reads[re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))] = names
    return reads


@dataclass(frozen=True)
class Target:
    route: Route
    values: dict
    path: str
    reads: tuple[str, ...]


_targets = {}


def targets(client, site):
    """Every public address, with the query parameters it reads (worked out once per module)."""
    if id(site) in _targets:
        return _targets[id(site)]
    fills, api = path_values(site), api_reads(client)
    found = []
    for route in public_routes():
        if route.name is None:
            found += [Target(route, {}, path, ()) for path in UNNAMED[route.pattern]]
            continue
        assert not route.parameters or route.name in fills, f"Say what fills the path of {route.name}"
        for values in fills.get(route.name, [{}]):
            path = reverse(route.name, kwargs=values)
            reads = [*PAGE_READS.get(route.name, [])]
            reads += next((names for regex, names in api.items() if re.fullmatch(regex, path)), [])
            found.append(Target(route, values, path, tuple(dict.fromkeys(reads))))
    _targets[id(site)] = found
    return found


_baselines = {}


def baseline(client, path):
    """The active content of a page with no query string."""
    if path not in _baselines:
        response = client.get(path)
        _baselines[path] = active_content(response) if is_html(response) else None
    return _baselines[path]


def send(client, path, query=""):
    try:
        return client.get(path, QUERY_STRING=query), None
    except Exception as error:  # a view that raised: report it with the rest, not instead of them
        return None, f"{path}?{query[:200]}: raised {error!r}"


def test_every_public_route_is_reached(client, site):
    reached = {target.route.pattern for target in targets(client, site)}
    assert reached == {route.pattern for route in public_routes()}
    reads = {target.path: target.reads for target in targets(client, site)}
    assert set(reads["/forces/"]) == {"q", "region", "year"}
    assert {"q", "region", "level", "pillar", "grade", "sort", "order", "group", "format"} <= set(
        reads[f"/peel/{site.year}/"]
    )
    assert {"year", "force", "region", "page", "page_size"} <= set(reads["/api/v1/assessments/"])
    assert {"q", "grade", "sort"} <= set(reads[f"/api/v1/years/{site.year}/table/"])


@pytest.mark.parametrize("payload", PAYLOADS, ids=ids(PAYLOADS))
def test_every_query_parameter_takes_every_payload(client, site, payload):
    found = []
    for target in targets(client, site):
        # Each parameter the address reads on its own; the preview parameter (which every page reads) and one
        # it does not read together.
        queries = [payload.fragment(name) for name in target.reads]
        queries.append(f"{payload.fragment(PREVIEW)}&{payload.fragment(UNKNOWN)}")
        for query in queries:
            response, raised = send(client, target.path, query)
            if raised:
                found.append(raised)
                continue
            where = f"{target.path}?{query[:80]}"
            found += problems(response, payload, where=where, baseline=baseline(client, target.path))
    assert not found, "\n".join(found[:40])
    assert Assessment.objects.count() == site.assessments


SLOT = "zz-payload-goes-here"
PATH_PAYLOADS = [payload for payload in PAYLOADS if "{name}" not in payload.raw]


@pytest.mark.parametrize("payload", PATH_PAYLOADS, ids=ids(PATH_PAYLOADS))
def test_every_path_parameter_takes_every_payload(client, site, payload):
    segment = payload.raw or encode(payload.text)
    found = []
    for target in targets(client, site):
        for name in target.values:
            path = reverse(target.route.name, kwargs=target.values | {name: SLOT}).replace(SLOT, segment)
            response, raised = send(client, path)
            found += [raised] if raised else problems(response, payload, where=path[:120])
    assert not found, "\n".join(found[:40])


@pytest.mark.parametrize("path", ["/api/v1/forces/%00/", "/api/v1/years/%00/table/", "/api/v1/regions/a%20b/"])
def test_an_api_object_named_by_anything_but_a_slug_is_not_looked_up(client, uncached, django_assert_num_queries, path):
    """As on the pages: PostgreSQL refuses a NUL byte in a query with a 500, so it must never be asked."""
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Nothing is published at this address.")
