from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from forces.models import Force, KeyFact
from peel.breadcrumbs import breadcrumbs
from peel.downloads import download, refusal
from peel.publishing.changes import is_about, last_updated, public_notes

from .history import changes_for, grade_distribution
from .models import Assessment, InspectionYear, PillarJudgment, Report, headline_year
from .rows import COLUMNS
from .year_table import YearTable


@require_safe
def home(request):
    years = InspectionYear.objects.coverage(Force.objects.count())
    year = headline_year(years)
    glance = []
    if year:
        counts = PillarJudgment.objects.published().for_year(year).grade_counts()
        glance = grade_distribution(counts, year.allowed_grades, force_count=year.force_count)
    newer = [y for y in years if year and y.first_year > year.first_year and y.graded_force_count]
    context = {"year": year, "glance": glance, "newer": newer, "years": years, "nav_section": "home"}
    return render(request, "inspections/home.html", context)


@require_safe
def year_list(request):
    years = InspectionYear.objects.coverage(Force.objects.count())
    context = {"years": years, "breadcrumbs": breadcrumbs(("PEEL years", None)), "nav_section": "years"}
    return render(request, "inspections/year_list.html", context)


@require_safe
def year_detail(request, year):
    year = get_object_or_404(InspectionYear.objects.published(), slug=year)
    table = YearTable(request.GET, year)
    fmt = request.GET.get("format", "")
    if fmt:
        if refused := refusal(fmt):
            return refused
        rows = table.download_rows(request.build_absolute_uri)
        return download(rows, COLUMNS, fmt=fmt, filename=f"peel-{year.slug}-{table.level}-grades")
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "year": year,
        "table": table,
        "filter": table.filter,
        "download_query": f"{query.urlencode()}&" if query else "",
        "breadcrumbs": breadcrumbs(("PEEL years", reverse("inspections:year-list")), (year.title, None)),
        "nav_section": "years",
    }
    return render(request, "inspections/year_detail.html", context)


@require_safe
def assessment_detail(request, force, year):
    assessment = get_object_or_404(Assessment.objects.published().for_page(), force__slug=force, year__slug=year)
    judgments = assessment.published_judgments
    previous_year = _compare_with_year_before(assessment, judgments)
    force = assessment.force
    judged = {j.pillar_id for j in judgments}
    # The page's changes are its own and its pillars' (all public: read through published()). One query.
    notes = public_notes([assessment, *judgments])
    for judgment in judgments:
        judgment.last_updated_shown = last_updated([n for n in notes if is_about(n, judgment)], judgment.last_updated)
    context = {
        "assessment": assessment,
        "force": force,
        "year": assessment.year,
        "previous_year": previous_year,
        "judgments": judgments,
        "change_notes": notes,
        "last_updated": last_updated(notes),  # the page has no date of its own until a major change
        "missing_pillars": [p for p in assessment.year.pillars.all() if p.graded and p.pk not in judged],
        "reports": Report.objects.published().filter(force=force, year=assessment.year),
        "key_facts": KeyFact.objects.latest_for(force),
        "context_points": force.context_points.all(),
        "plan_priorities": force.plan_priorities.all(),
        "breadcrumbs": breadcrumbs(
            ("Police forces", reverse("forces:force-list")),
            (force.short_name, force.get_absolute_url()),
            (assessment.year.title, None),
        ),
        "nav_section": "forces",
    }
    return render(request, "inspections/assessment_detail.html", context)


def _compare_with_year_before(assessment, judgments):
    """Mark each judgment better, same or worse than the force's judgment for its pillar the year before."""
    previous_year = InspectionYear.objects.previous_to(assessment.year)
    previous = PillarJudgment.objects.published().filter(
        assessment__force=assessment.force_id,
        assessment__year=previous_year,
        pillar__slug__in=[j.pillar.slug for j in judgments],
    )
    changes_for(judgments, previous.select_related("pillar"), year=assessment.year, previous_year=previous_year)
    return previous_year


@require_safe
def pillar_detail(request, force, year, pillar):
    judgment = get_object_or_404(
        PillarJudgment.objects.published().for_page(),
        assessment__force__slug=force,
        assessment__year__slug=year,
        pillar__slug=pillar,
    )
    assessment = judgment.assessment
    previous_year = _compare_with_year_before(assessment, [judgment])
    notes = public_notes([judgment])
    context = {
        "judgment": judgment,
        "assessment": assessment,
        "force": assessment.force,
        "year": assessment.year,
        "pillar": judgment.pillar,
        "previous_year": previous_year,
        "questions": judgment.questions_with_answers(),
        "change_notes": notes,
        "last_updated": last_updated(notes, judgment.last_updated),
        "breadcrumbs": breadcrumbs(
            ("Police forces", reverse("forces:force-list")),
            (assessment.force.short_name, assessment.force.get_absolute_url()),
            (assessment.year.title, assessment.get_absolute_url()),
            (judgment.pillar.name, None),
        ),
        "nav_section": "forces",
    }
    return render(request, "inspections/pillar_detail.html", context)
