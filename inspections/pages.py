"""Pages that explain the grades rather than show them."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from peel.breadcrumbs import breadcrumbs

from .models import NOT_COMPARABLE_WARNING, Grade, InspectionYear

WHAT_IS_PEEL_URL = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/what-is-peel/"

# Our plain-words summary of the inspectorate's grade definitions, best grade first.
GRADE_MEANINGS = {
    Grade.OUTSTANDING: "The force does far more than the inspectorate expects of a good force.",
    Grade.GOOD: "The force does almost everything the inspectorate expects of a good force.",
    Grade.ADEQUATE: (
        "The force does some of what is expected of a good force, but the inspectorate found things it should "
        "do better. Used from 2021/22."
    ),
    Grade.REQUIRES_IMPROVEMENT: (
        "The force does little, if any, of what is expected of a good force, and the inspectorate found many "
        "things it needs to do better."
    ),
    Grade.INADEQUATE: (
        "The inspectorate has a cause of concern about the force and has told it what it must do to put things right."
    ),
}


@require_safe
def about_grades(request):
    years = InspectionYear.objects.published().order_by("first_year")
    context = {
        "scales": [(year, [grade.label for grade in year.allowed_grades]) for year in years],
        "meanings": [(grade.value, grade.label, GRADE_MEANINGS[grade]) for grade in Grade],
        "not_comparable_warning": NOT_COMPARABLE_WARNING,
        "source_url": WHAT_IS_PEEL_URL,
        "breadcrumbs": breadcrumbs(
            ("PEEL years", reverse("inspections:year-list")),
            ("About PEEL grades", None),
        ),
        "nav_section": "years",
    }
    return render(request, "inspections/about_grades.html", context)
