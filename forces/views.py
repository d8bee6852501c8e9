from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from inspections.compare import compare_url
from inspections.history import grade_history, history_rows
from inspections.models import Assessment, InspectionYear, Pillar, Report, headline_year
from inspections.rows import COLUMNS
from inspections.tables import YearRow, columns_for, year_rows
from peel.breadcrumbs import breadcrumbs
from peel.downloads import download, refusal

from .filters import ForceFilter, YearChoiceForm
from .models import Force, KeyFact


@require_safe
def force_list(request):
    """Every force by region, with its grades for one year: the headline year unless the reader picks another,
    so that every row compares like with like."""
    forces = ForceFilter(
        request.GET, queryset=Force.objects.select_related("region").order_by("region__name", "short_name")
    )
    years = InspectionYear.objects.coverage(Force.objects.count())
    choice = YearChoiceForm(request.GET, years=years, default=headline_year(years))
    year = choice.chosen
    rows = []
    if year:
        columns = columns_for(Pillar.objects.filter(year=year))
        assessments = Assessment.objects.published().for_year(year).with_grades().by_force()
        rows = year_rows(forces.qs, assessments, columns, by_region=True)
    else:
        rows = [YearRow(force, None, []) for force in forces.qs]
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
    force = get_object_or_404(
        Force.objects.select_related("region").prefetch_related("context_points", "plan_priorities", "region__forces"),
        slug=force,
    )
    years = list(InspectionYear.objects.published())
    assessments = list(Assessment.objects.published().filter(force=force).with_grades())
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
        "key_facts": KeyFact.objects.latest_for(force),
        "reports": Report.objects.published().filter(force=force).select_related("year"),
        "compare_with": [(other, compare_url(force, other)) for other in force.region.forces.all() if other != force],
        "compare_start": compare_url(start=force),
        "breadcrumbs": breadcrumbs(("Police forces", reverse("forces:force-list")), (force.short_name, None)),
        "nav_section": "forces",
    }
    return render(request, "forces/force_detail.html", context)
