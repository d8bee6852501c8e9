"""What the API's lists of assessments and grades can be narrowed by, and the grade rows themselves."""

import django_filters

from forces.models import Force, Region

from ..filters import LEVELS
from ..models import Assessment, Grade, InspectionYear, Pillar, PillarJudgment
from ..rows import PagedGradeRows
from ..tables import NO_GRADE

GRADE_CHOICES = [*Grade.choices, ("not-graded", "Not graded"), (NO_GRADE, "No grade recorded")]


def _by_slug(queryset, field_name, label, refusal):
    return django_filters.ModelChoiceFilter(
        queryset=queryset,
        to_field_name="slug",
        field_name=field_name,
        label=label,
        error_messages={"invalid_choice": refusal},
    )


def _published_years(request=None):
    # Read at each request: what is published changes with the clock (a scheduled year goes public at its time).
    return InspectionYear.objects.published()


def _year(field_name):
    label, refusal = "A published PEEL year's slug, as in 2018-19.", "Choose the slug of a published PEEL year"
    return _by_slug(_published_years, field_name, label, refusal)


def _force(field_name):
    return _by_slug(Force.objects.all(), field_name, "A force's slug, as in kent.", "Choose a force's slug")


def _region(field_name):
    return _by_slug(Region.objects.all(), field_name, "A region's slug, as in south-east.", "Choose a region's slug")


class AssessmentFilter(django_filters.FilterSet):
    year = _year("year")
    force = _force("force")
    region = _region("force__region")

    class Meta:
        model = Assessment
        fields = ["year", "force", "region"]


def _keep(queryset, name, value):
    """For choices that pick rows rather than narrow the judgments."""
    return queryset


def _pillar_slugs():
    slugs = Pillar.objects.filter(year__in=InspectionYear.objects.published()).values_list("slug", flat=True)
    return [(slug, slug) for slug in sorted(set(slugs))]


class JudgmentFilter(django_filters.FilterSet):
    """Every published grade narrowed by year, force, region and pillar; then only pillar or question rows, and
    only rows with the chosen grades."""

    year = _year("assessment__year")
    force = _force("assessment__force")
    region = _region("assessment__force__region")
    pillar = django_filters.ChoiceFilter(
        field_name="pillar__slug",
        choices=_pillar_slugs,
        label="A pillar's or area's slug, as in effectiveness: the same slug in two years marks the same pillar.",
        error_messages={"invalid_choice": "Choose the slug of a pillar or area of a published year"},
    )
    level = django_filters.ChoiceFilter(
        choices=LEVELS,
        method=_keep,
        label="pillar for pillar and area grades only, question for question grades only.",
        error_messages={"invalid_choice": "Choose pillar or question"},
    )
    grade = django_filters.MultipleChoiceFilter(
        choices=GRADE_CHOICES,
        method=_keep,
        label="Rows with one of these grades: not-graded where the force was not graded, none for no grade recorded.",
        error_messages={"invalid_choice": "Choose grades from the list"},
    )

    class Meta:
        model = PillarJudgment
        fields = ["year", "force", "region", "pillar", "level", "grade"]

    def rows(self, absolute):
        """The rows of the judgments this filter keeps (call once it is valid), built a page at a time."""
        choices = self.form.cleaned_data
        level, grades = choices.get("level") or "", choices.get("grade") or ()
        return PagedGradeRows(self.qs, absolute, level=level, grades=grades)
