from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from forces.filters import ForceFilter
from forces.models import Force, KeyFact
from peel.breadcrumbs import breadcrumbs

from .history import changes_for, grade_distribution, year_table
from .models import Assessment, InspectionYear, PillarJudgment, Report, headline_year


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
    pillars = list(year.pillars.all())
    graded = [p for p in pillars if p.graded]
    forces = ForceFilter(request.GET, queryset=Force.objects.select_related("region"))
    assessments = Assessment.objects.published().for_year(year).with_grades().by_force()
    sort = request.GET.get("sort", "")
    group_by_region = request.GET.get("group") == "region"
    rows = year_table(forces.qs, assessments, graded, sort=sort, by_region=group_by_region)
    context = {
        "year": year,
        "pillars": graded,
        "ungraded_pillars": [p for p in pillars if not p.graded],
        "filter": forces,
        "force_total": len(rows),
        "rows": [row for row in rows if row.recorded],
        "forces_without_grades": [row.force for row in rows if not row.recorded],
        "complete_count": sum(1 for row in rows if row.recorded and not row.missing),
        "sort": sort,
        "group_by_region": group_by_region,
        "sort_choices": [("", "Force name")] + [(p.slug, p.name) for p in graded],
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
    context = {
        "assessment": assessment,
        "force": force,
        "year": assessment.year,
        "previous_year": previous_year,
        "judgments": judgments,
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
    context = {
        "judgment": judgment,
        "assessment": assessment,
        "force": assessment.force,
        "year": assessment.year,
        "pillar": judgment.pillar,
        "previous_year": previous_year,
        "questions": judgment.questions_with_answers(),
        "breadcrumbs": breadcrumbs(
            ("Police forces", reverse("forces:force-list")),
            (assessment.force.short_name, assessment.force.get_absolute_url()),
            (assessment.year.title, assessment.get_absolute_url()),
            (judgment.pillar.name, None),
        ),
        "nav_section": "forces",
    }
    return render(request, "inspections/pillar_detail.html", context)
