"""Open data: every published grade as one download, and the page that says what each column means."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from peel.breadcrumbs import breadcrumbs
from peel.downloads import download, refusal

from .models import InspectionYear, PillarJudgment
from .pages import GRADE_MEANINGS
from .rows import COLUMN_MEANINGS, COLUMNS, grade_rows

LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def published_grades():
    """Every published pillar judgment in year, force and pillar order, with what its row shows. Build it for
    each request: what is published changes with the clock."""
    return (
        PillarJudgment.objects.published()
        .select_related("assessment__force__region", "assessment__year", "pillar")
        .order_by("assessment__year__first_year", "assessment__force__short_name", "pillar__position", "pillar_id")
    )


def every_grade(absolute):
    """Every published pillar grade, each followed by its question grades: year, force, pillar, question order.
    Two queries."""
    return grade_rows(published_grades(), absolute)


@require_safe
def all_grades(request, fmt):
    if refused := refusal(fmt, "peel-grades.csv or peel-grades.json"):
        return refused
    return download(every_grade(request.build_absolute_uri), COLUMNS, fmt=fmt, filename="peel-grades")


@require_safe
def data_page(request):
    context = {
        "columns": [(column, COLUMN_MEANINGS[column]) for column in COLUMNS],
        "years": list(InspectionYear.objects.published().order_by("first_year")),
        "meanings": [(grade.value, grade.label, GRADE_MEANINGS[grade]) for grade in GRADE_MEANINGS],
        "licence_url": LICENCE_URL,
        "breadcrumbs": breadcrumbs(("Data", None)),
        "nav_section": "",
    }
    return render(request, "inspections/data.html", context)
