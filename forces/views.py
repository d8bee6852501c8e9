from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from inspections import reference as inspection_reference
from inspections.compare import compare_url
from inspections.history import grade_history, history_rows
from inspections.models import Assessment, PillarJudgment, headline_year
from inspections.rows import COLUMNS
from inspections.tables import YearRow, columns_for, year_rows
from inspections.year_table import year_grades
from peel.breadcrumbs import breadcrumbs
from peel.downloads import download, refusal
from peel.publishing import published_q

from . import reference
from .filters import ForceFilter, YearChoiceForm
from .models import Force


@require_safe
def force_list(request):
    """Every force by region, with its grades for one year: the headline year unless the reader picks another,
    so that every row compares like with like."""
    forces = ForceFilter(
        request.GET,
        queryset=Force.objects.by_region(),
        regions=reference.regions(),
    )
    years = inspection_reference.published_years()
    choice = YearChoiceForm(request.GET, years=years, default=headline_year(years))
    year = choice.chosen
    shown = forces.forces(reference.forces)
    if year:
        pillars = inspection_reference.pillar_lists(year.pk)[year.pk]
        columns = columns_for(pillars)
        assessments = year_grades(year, pillars)
        rows = year_rows(shown, assessments, columns, by_region=True)
    else:
        rows = [YearRow(force, None, []) for force in shown]
    context = {
        "filter": forces,
        "choice": choice,
        "year": year,
        "rows": rows,
        "breadcrumbs": breadcrumbs(("Police forces", None)),
        "nav_section": "forces",
    }
    return render(request, "forces/force_list.html", context)


@require_safe
def force_detail(request, force):
    # The force and the others in its region (to compare with): one query, or none with the forces kept.
    every = reference.forces()
    force = next((other for other in every if other.slug == force), None)
    if force is None:
        raise Http404("No such force")
    region = [other for other in every if other.region_id == force.region_id]
    years = inspection_reference.years()[::-1]  # oldest first
    assessments = _assessments_with_grades(force)
    latest = max(assessments, key=lambda a: a.year.first_year, default=None)
    history = grade_history(years, assessments)
    fmt = request.GET.get("format", "")
    if fmt:
        if refused := refusal(fmt):
            return refused
        rows = history_rows(force, history, request.build_absolute_uri)
        return download(rows, COLUMNS, fmt=fmt, filename=f"peel-{force.slug}-grades")
    context = {
        "force": force,
        "latest": latest,
        "assessments": sorted(assessments, key=lambda a: a.year.first_year),
        "years": years,
        "history": history,
        "reports": inspection_reference.force_reports(force.pk),
        "compare_with": [(other, compare_url(force, other)) for other in region if other != force],
        "compare_start": compare_url(start=force),
        **reference.force_context(force.pk),
        "breadcrumbs": breadcrumbs(("Police forces", reverse("forces:force-list")), (force.short_name, None)),
        "nav_section": "forces",
    }
    return render(request, "forces/force_detail.html", context)


def _assessments_with_grades(force):
    """The force's published assessments, each with its year and its published pillar judgments (with their
    pillars) as ``published_judgments``. Two queries."""
    assessments = {}
    for assessment in Assessment.objects.published().filter(force=force).select_related("year").order_by():
        assessment.force = force
        assessment.published_judgments = []
        assessments[assessment.pk] = assessment
    judgments = PillarJudgment.objects.filter(published_q(), assessment__in=list(assessments))
    for judgment in judgments.select_related("pillar").order_by("pillar__position", "pillar_id"):
        judgment.assessment = assessments[judgment.assessment_id]
        judgment.assessment.published_judgments.append(judgment)
    return list(assessments.values())
