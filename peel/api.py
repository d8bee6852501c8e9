"""The read-only JSON API under /api/v1/: the routes, and what every endpoint shares.

It is built on Django REST framework and drf-spectacular. Both are widely used and well kept; they work with
Django's own querysets and with django-filter FilterSets, so the API narrows and sorts through the very filters
the pages use, and the OpenAPI 3 description at /api/v1/schema is generated from this code, so it says what the
endpoints do rather than what someone remembered to write down.

Every answer is JSON, refusals included: a query parameter that is unknown, repeated, too long or not one of
the allowed choices gets a 400 naming the parameter; an unknown object or address a 404; any method but GET or
HEAD a 405. Lists come a page at a time (100 rows unless ``page_size`` asks for up to 500).

The cost is small. Timed with Django's test client in a loop on the real data (43 forces, 7 years), a page of
/api/v1/forces/ took about a quarter of the time of the HTML force list (6 ms against 25 ms), a year's table from
/api/v1/years/2016/table/ half to two thirds of the year's page (12 ms against 24 ms; 21 against 34 at question
level), and one assessment a quarter of its page.
"""

import functools
import logging
import re

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import include, path, re_path, resolve
from django_filters import MultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.renderers import OpenApiJsonRenderer2
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView
from rest_framework.views import exception_handler as rest_framework_exception_handler

logger = logging.getLogger("django.request")

NOT_FOUND = "Nothing is published at this address."
SERVER_ERROR = "Sorry, there is a problem with the service. Try again later."


class JSONFirst(BaseContentNegotiation):
    """Answer in the view's first format whatever the Accept header asks for: a client that would rather have
    HTML or XML still gets the JSON, never a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Pagination(PageNumberPagination):
    """Page numbers from 1, 100 rows a page unless ``page_size`` asks for 1 to 500. A page number or size that is
    not one of those is refused with a 400, not answered with a guess or a 404."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "{message}."  # Django's words: "That page number is less than 1", ...

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= self.max_page_size:
            message = f"Give a whole number from 1 to {self.max_page_size}."
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as refused:
            raise exceptions.ValidationError({self.page_query_param: [refused.detail]}) from refused

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        size = {"minimum": 1, "maximum": self.max_page_size}
        bounds = {self.page_query_param: {"minimum": 1}, self.page_size_query_param: size}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def accepted_parameters(filterset_class):
    """The query parameters a FilterSet reads, and those of them that may be given more than once."""
    filters = filterset_class.base_filters if filterset_class else {}
    return list(filters), [name for name, field in filters.items() if isinstance(field, MultipleChoiceFilter)]


def check_query(query, accepted, repeatable=()):
    """Refuse a query string with a parameter this endpoint does not read, or one given twice that it reads
    once: a mistyped ``?regoin=`` would otherwise quietly return everything."""
    errors = {}
    for name in query:
        if name not in accepted:
            errors[name] = [
                f"Not a parameter of this endpoint. Choose from: {', '.join(accepted)}."
                if accepted
                else "This endpoint takes no query parameters."
            ]
        elif name not in repeatable and len(query.getlist(name)) > 1:
            errors[name] = ["Give this parameter once."]
    if errors:
        raise exceptions.ValidationError(errors)


@extend_schema_field(OpenApiTypes.URI)
class PageLink(serializers.Field):
    """The full address of an object's page on this site, from its ``get_absolute_url()``."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


class PublicAPI:
    """What every API view shares: anyone may read, only with GET or HEAD, and the answer is JSON."""

    http_method_names = ["get", "head"]
    content_negotiation_class = JSONFirst
    authentication_classes = []
    permission_classes = []


class PublicViewSet(PublicAPI, viewsets.GenericViewSet):
    """A read-only viewset whose list is paginated and narrowed by its ``filterset_class``, refusing any query
    parameter it does not read."""

    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = None
    # An object is named by its slug, as on the pages (Django's <slug:> converter): anything else in its place,
    # a NUL byte say, which PostgreSQL would refuse with a 500, is an unknown address and a 404.
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method.lower() in self.http_method_names:
            check_query(request.query_params, *self.query_parameters())

    def query_parameters(self):
        """The query parameters this action reads, and those that may be repeated: a list reads its filters and
        the page; anything else reads none unless a subclass says so."""
        if self.action != "list":
            return [], []
        names, repeatable = accepted_parameters(self.filterset_class)
        paginator = self.paginator
        if paginator is not None:
            names += [paginator.page_query_param, paginator.page_size_query_param]
        return names, repeatable


def exception_handler(exc, context):
    """Every refusal and failure as JSON: ``{"detail": "...", "errors": {"parameter": ["..."]}}``, the errors only
    where particular query parameters were refused. (Named in settings.REST_FRAMEWORK.)"""
    if isinstance(exc, SuspiciousOperation):  # such as more query parameters than Django will read
        exc = exceptions.ParseError("The request was refused as malformed.")
    elif isinstance(exc, Http404):  # the same words whatever was not found, naming no model
        exc = exceptions.NotFound(NOT_FOUND)
    response = rest_framework_exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None  # Django's debug page, with the traceback
        request = context["request"]
        logger.error("Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500})
        got_request_exception.send(sender=None, request=request._request)
        response = Response({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        response._has_been_logged = True  # logged above, with the traceback Django's own line would lack
        return response
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"query": exc.detail}
        refused = "; ".join(f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in errors.items())
        response.data = {"detail": f"The query was refused. {refused}", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": response.data["detail"]}
    return response


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words."},
        "errors": {
            "type": "object",
            "description": "Each refused query parameter with the reasons it was refused.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}


def document_errors(result, generator, request, public):
    """A drf-spectacular hook that gives every operation its 400 (a query parameter was refused) and every
    operation on one object its 404, in the shape ``exception_handler`` writes. (Named in SPECTACULAR_SETTINGS.)"""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for route, operations in result["paths"].items():
        for operation in operations.values():
            responses = operation["responses"]
            responses.setdefault("400", {"description": "A query parameter was refused.", "content": body})
            if "{" in route:
                responses.setdefault("404", {"description": NOT_FOUND, "content": body})
    return result


class SchemaView(PublicAPI, SpectacularJSONAPIView):
    """The OpenAPI 3 description of the API, as JSON."""

    renderer_classes = [OpenApiJsonRenderer2]


class DocsView(PublicAPI, SpectacularSwaggerSplitView):
    """Swagger UI for the API, from the site's own static files (drf-spectacular-sidecar) with its start-up
    script fetched from this same address (``?script``), so it runs under the site's policy of scripts from
    its own origin only."""

    url_name = "api:schema"

    def handle_exception(self, exc):
        # The page is HTML, but a refusal here is JSON like everywhere else under /api/.
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)


class RootView(PublicAPI, APIView):
    """Where each endpoint is, for a person or a client finding its way in."""

    @extend_schema(exclude=True)
    def get(self, request):
        check_query(request.query_params, [])
        names = ["region-list", "force-list", "year-list", "assessment-list", "judgment-list", "schema", "docs"]
        return Response({name.removesuffix("-list"): reverse(f"api:{name}", request=request) for name in names})


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a 404 in JSON like the API's own, not the site's HTML page. An endpoint's
    address without its final slash is sent to the address with it, as Django's APPEND_SLASH does elsewhere."""
    path_info = request.path_info
    if settings.APPEND_SLASH and not path_info.endswith("/") and resolve(f"{path_info}/").func is not not_found:
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse({"detail": f"{NOT_FOUND} The API's endpoints are listed at {reverse('api:root')}"}, status=404)


app_name = "api"


@functools.cache
def _urlpatterns():
    from forces.api import ForceViewSet, RegionViewSet
    from inspections.api import AssessmentViewSet, JudgmentViewSet, YearViewSet

    router = SimpleRouter()
    router.register("regions", RegionViewSet, basename="region")
    router.register("forces", ForceViewSet, basename="force")
    router.register("years", YearViewSet, basename="year")
    router.register("judgments", JudgmentViewSet, basename="judgment")
    return [
        path("v1/", RootView.as_view(), name="root"),
        path("v1/", include(router.urls)),
        path("v1/assessments/", AssessmentViewSet.as_view({"get": "list"}), name="assessment-list"),
        path(
            "v1/assessments/<slug:force>/<slug:year>/",
            AssessmentViewSet.as_view({"get": "retrieve"}),
            name="assessment-detail",
        ),
        path("v1/schema", SchemaView.as_view(), name="schema"),
        path("v1/docs/", DocsView.as_view(), name="docs"),
        re_path(r"", not_found),
    ]


def __getattr__(name):
    """``urlpatterns``, built when Django first asks for it. The apps' viewsets build on the classes above, so
    importing them at the top would make this module and theirs each wait for the other to load first."""
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
