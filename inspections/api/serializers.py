"""How years, assessments, grades and year tables read in the JSON API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from forces.api import ForceSummarySerializer, RegionSummarySerializer
from peel.api import PageLink

from ..filters import LEVELS
from ..models import Assessment, Grade, InspectionYear, Pillar, Question
from ..rows import COLUMN_MEANINGS, COLUMNS

GRADE_OR_BLANK = {"type": "string", "enum": [*Grade.values, ""], "description": "Empty where there is no grade."}


def _column_field(column):
    if column == "question_number":
        return serializers.IntegerField(allow_null=True, help_text=COLUMN_MEANINGS[column])
    return serializers.CharField(allow_blank=True, help_text=COLUMN_MEANINGS[column])


# A field per column of the downloads, named and explained by the one list the Data page documents.
GradeRowSerializer = type("GradeRowSerializer", (serializers.Serializer,), {c: _column_field(c) for c in COLUMNS})


class TableSerializer(serializers.Serializer):
    year = serializers.CharField(help_text="The year's slug.")
    level = serializers.ChoiceField(choices=LEVELS, help_text="Whether the rows are pillar or question grades.")
    columns = serializers.ListField(child=serializers.CharField(), help_text="The keys of every row, in order.")
    rows = GradeRowSerializer(many=True, help_text="One row per cell of the year's table, in the table's order.")


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["number", "text", "graded"]


class PillarSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Pillar
        fields = ["slug", "name", "kind", "headline_question", "graded", "questions"]


class YearSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:year-detail", lookup_field="slug")

    class Meta:
        model = InspectionYear
        fields = ["slug", "title", "label", "scale", "url"]


class YearSerializer(YearSummarySerializer):
    allowed_grades = serializers.SerializerMethodField(help_text="The grades the year's scale uses, best first.")
    comparability_warning = serializers.CharField(read_only=True)
    published_display = serializers.CharField(read_only=True, help_text="The date as precisely as it is known.")
    graded_pillar_count = serializers.IntegerField(read_only=True, help_text="Pillars or areas graded this year.")
    recorded_grade_count = serializers.IntegerField(read_only=True, help_text="Pillar grades recorded here.")
    graded_force_count = serializers.IntegerField(read_only=True, help_text="Forces with a pillar grade here.")
    pillars = PillarSerializer(many=True, read_only=True)
    table_url = serializers.HyperlinkedIdentityField(view_name="api:year-table", lookup_field="slug")
    page_url = PageLink()

    class Meta(YearSummarySerializer.Meta):
        fields = [
            *["slug", "title", "label", "first_year", "scale", "allowed_grades", "comparability_warning"],
            *["published_on", "published_display", "notes", "pillars"],
            *["graded_pillar_count", "recorded_grade_count", "graded_force_count", "url", "table_url", "page_url"],
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Grade.choices)))
    def get_allowed_grades(self, year):
        return [grade.value for grade in year.allowed_grades]


class GradeSerializer(serializers.Serializer):
    """A judgment's grade, and the words shown for it: the grade, or why there is none."""

    grade = serializers.SerializerMethodField()
    grade_label = serializers.SerializerMethodField()
    source_url = serializers.CharField(read_only=True, help_text="Where the grade was published.")

    @extend_schema_field(GRADE_OR_BLANK)
    def get_grade(self, judgment):
        return judgment.grade_status[0]

    def get_grade_label(self, judgment) -> str:
        return judgment.grade_status[1]


class QuestionGradeSerializer(GradeSerializer):
    number = serializers.IntegerField(source="question.number", read_only=True)
    question = serializers.CharField(source="question.text", read_only=True)
    summary = serializers.CharField(read_only=True, help_text="Markdown.")


class PillarGradeSerializer(GradeSerializer):
    pillar = serializers.CharField(source="pillar.slug", read_only=True)
    pillar_name = serializers.CharField(source="pillar.name", read_only=True)
    not_graded = serializers.BooleanField(read_only=True, help_text="The inspectorate chose not to grade the force.")
    last_updated = serializers.DateField(read_only=True, allow_null=True)
    page_url = PageLink()


class PillarGradeDetailSerializer(PillarGradeSerializer):
    summary = serializers.CharField(read_only=True, help_text="Markdown.")
    body = serializers.CharField(read_only=True, help_text="The full findings. Markdown.")
    questions = QuestionGradeSerializer(source="question_judgments", many=True, read_only=True)


class AssessmentSerializer(serializers.ModelSerializer):
    force = ForceSummarySerializer(read_only=True)
    region = RegionSummarySerializer(source="force.region", read_only=True)
    year = YearSummarySerializer(read_only=True)
    inspector = serializers.SerializerMethodField(help_text="The HM Inspector who signed it.")
    pillars = PillarGradeSerializer(source="published_judgments", many=True, read_only=True)
    url = serializers.SerializerMethodField()
    page_url = PageLink()

    class Meta:
        model = Assessment
        fields = ["force", "region", "year", "inspector", "narrative_origin", "report_url", "updated_at", "pillars"]
        fields += ["url", "page_url"]

    def get_inspector(self, assessment) -> str | None:
        return assessment.inspector.name if assessment.inspector else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, assessment):
        kwargs = {"force": assessment.force.slug, "year": assessment.year.slug}
        return reverse("api:assessment-detail", kwargs=kwargs, request=self.context["request"])


class AssessmentDetailSerializer(AssessmentSerializer):
    """An assessment with its written sections (Markdown) and each pillar's findings and question grades."""

    pillars = PillarGradeDetailSerializer(source="published_judgments", many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, *(field for field, _ in Assessment.NARRATIVE)]
