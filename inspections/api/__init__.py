"""Years, assessments, grades and year tables in the JSON API (wired up in peel/api.py).

Everything here reads through the ``published()`` querysets, so a draft, or anything under a draft, is never
listed, found or counted. A year's table and the grade rows are the very rows the CSV and JSON downloads hold.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from peel.api import PublicViewSet, accepted_parameters

from ..data import published_grades
from ..filters import LEVELS, ORDERS, YearTableFilter
from ..models import Assessment, InspectionYear, PillarJudgment, QuestionJudgment
from ..rows import COLUMNS
from ..year_table import YearTable
from .filters import GRADE_CHOICES, AssessmentFilter, JudgmentFilter
from .serializers import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    GradeRowSerializer,
    TableSerializer,
    YearSerializer,
)

TABLE_PARAMETERS = [
    OpenApiParameter(
        "q", {"type": "string", "maxLength": 100}, description="Forces whose name, other names or region hold this."
    ),
    OpenApiParameter("region", str, description="A region's slug."),
    OpenApiParameter("level", str, enum=[value for value, _ in LEVELS], description="Pillar grades (the default)."),
    OpenApiParameter("pillar", str, description="The slug of one of the year's graded pillars or areas."),
    OpenApiParameter(
        "grade",
        str,
        many=True,
        enum=[value for value, _ in GRADE_CHOICES],
        description="Forces with one of these grades in a column (the year's scale says which grades it uses).",
    ),
    OpenApiParameter("sort", str, description="A column to sort by: a pillar's slug, or <pillar>-q<number>."),
    OpenApiParameter("order", str, enum=[value for value, _ in ORDERS], description="Best grade first by default."),
    OpenApiParameter("group", str, enum=["region"], description="Group the forces by region."),
]


class YearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """Published PEEL years, each with its pillars (or areas of policing) and their questions, its scale, and
    how much of it is recorded here."""

    serializer_class = YearSerializer
    lookup_field = "slug"

    def get_queryset(self):
        years = InspectionYear.objects.published()
        if self.action == "table":
            return years
        return years.with_coverage().prefetch_related("pillars__questions")

    def query_parameters(self):
        if self.action == "table":
            return accepted_parameters(YearTableFilter)
        return super().query_parameters()

    @extend_schema(parameters=TABLE_PARAMETERS, responses=TableSerializer)
    @action(detail=True)
    def table(self, request, slug):
        """The year's table for a query string, filtered and sorted as the year's page is for the same one:
        a row per cell, the same rows as its CSV and JSON downloads."""
        table = YearTable(request.query_params, self.get_object())
        if table.filter.form.errors:
            raise translate_validation(table.filter.form.errors)
        rows = table.download_rows(request.build_absolute_uri)
        return Response({"year": table.year.slug, "level": table.level, "columns": COLUMNS, "rows": rows})


ASSESSMENT_PATH = [
    OpenApiParameter("force", str, OpenApiParameter.PATH, description="The force's slug."),
    OpenApiParameter("year", str, OpenApiParameter.PATH, description="The PEEL year's slug."),
]


@extend_schema_view(retrieve=extend_schema(parameters=ASSESSMENT_PATH))
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """Published assessments, one per force and year, with their pillar grades; one assessment adds its
    written sections and each pillar's findings and question grades."""

    filterset_class = AssessmentFilter

    def get_queryset(self):
        assessments = Assessment.objects.published().select_related("force__region", "inspector")
        if self.action != "retrieve":
            return assessments.with_grades()
        answers = Prefetch("question_judgments", queryset=QuestionJudgment.objects.select_related("question"))
        return assessments.with_grades(PillarJudgment.objects.prefetch_related(answers))

    def get_serializer_class(self):
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer

    def get_object(self):
        return get_object_or_404(self.get_queryset(), force__slug=self.kwargs["force"], year__slug=self.kwargs["year"])


class JudgmentViewSet(PublicViewSet):
    """Every published grade, pillar and question level, as the rows of the download of every grade (the
    Data page explains each column)."""

    queryset = PillarJudgment.objects.none()  # for the schema; each request reads get_queryset()
    serializer_class = GradeRowSerializer
    filterset_class = JudgmentFilter

    def get_queryset(self):
        return published_grades()  # at each request, never once at import: what is public changes with the clock

    def list(self, request):
        filterset = DjangoFilterBackend().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        page = self.paginate_queryset(filterset.rows(request.build_absolute_uri))
        return self.get_paginated_response(page)
