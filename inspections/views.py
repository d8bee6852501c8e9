from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from forces.filters import ForceFilter
from forces.models import Force, KeyFact

from .history import changes_for, grade_distribution, sort_forces
from .models import Assessment, InspectionYear, PillarJudgment, QuestionJudgment, Report

HOME = ("Home", "/")


def home(request):
    year = InspectionYear.objects.latest_published()
    glance = []
    if year:
        counts = PillarJudgment.objects.published().for_year(year).grade_counts()
        glance = grade_distribution(counts, year.allowed_grades)
    years = InspectionYear.objects.published().order_by("-first_year")
    return render(
        request, "inspections/home.html", {"year": year, "glance": glance, "years": years, "nav_section": "home"}
    )


def year_list(request):
    years = InspectionYear.objects.published().with_assessment_counts().order_by("-first_year")
    breadcrumbs = [HOME, ("PEEL years", None)]
    return render(
        request, "inspections/year_list.html", {"years": years, "breadcrumbs": breadcrumbs, "nav_section": "years"}
    )


def year_detail(request, year):
    year = get_object_or_404(InspectionYear.objects.published(), slug=year)
    pillars = list(year.pillars.all())
    forces = ForceFilter(request.GET, queryset=Force.objects.select_related("region"))
    assessments = Assessment.objects.published().for_year(year).with_grades().by_force()
    rows = [(force, _grades_by_pillar(assessments.get(force.pk))) for force in forces.qs]
    sort = request.GET.get("sort", "")
    group_by_region = request.GET.get("group") == "region"
    rows = sort_forces(rows, sort if sort in {p.slug for p in pillars} else "", by_region=group_by_region)
    rows = [(force, assessments.get(force.pk), [grades.get(p.pk) for p in pillars]) for force, grades in rows]
    context = {
        "year": year,
        "pillars": pillars,
        "filter": forces,
        "rows": rows,
        "sort": sort,
        "group_by_region": group_by_region,
        "sort_choices": [("", "Force name")] + [(p.slug, p.name) for p in pillars if p.graded],
        "breadcrumbs": [HOME, ("PEEL years", reverse("inspections:year-list")), (year.title, None)],
        "nav_section": "years",
    }
    return render(request, "inspections/year_detail.html", context)


def _grades_by_pillar(assessment):
    return {} if assessment is None else {j.pillar_id: j for j in assessment.published_judgments}


def assessment_detail(request, force, year):
    assessment = get_object_or_404(Assessment.objects.published().for_page(), force__slug=force, year__slug=year)
    previous_year = InspectionYear.objects.previous_to(assessment.year)
    previous = (
        PillarJudgment.objects.published()
        .filter(assessment__force=assessment.force, assessment__year=previous_year)
        .select_related("pillar")
    )
    judgments = changes_for(assessment.published_judgments, previous, year=assessment.year, previous_year=previous_year)
    force = assessment.force
    context = {
        "assessment": assessment,
        "force": force,
        "year": assessment.year,
        "previous_year": previous_year,
        "judgments": judgments,
        "reports": Report.objects.published().filter(force=force, year=assessment.year),
        "key_facts": sorted(KeyFact.objects.latest_for(force), key=lambda f: f.position),
        "context_points": force.context_points.all(),
        "plan_priorities": force.plan_priorities.all(),
        "breadcrumbs": [
            HOME,
            ("Police forces", reverse("forces:force-list")),
            (force.short_name, force.get_absolute_url()),
            (assessment.year.title, None),
        ],
        "nav_section": "forces",
    }
    return render(request, "inspections/assessment_detail.html", context)


def pillar_detail(request, force, year, pillar):
    judgment = get_object_or_404(
        PillarJudgment.objects.published()
        .select_related("assessment__force", "assessment__year", "assessment__inspector", "pillar")
        .prefetch_related(
            Prefetch("pillar__questions"),
            Prefetch("question_judgments", queryset=QuestionJudgment.objects.select_related("question")),
        ),
        assessment__force__slug=force,
        assessment__year__slug=year,
        pillar__slug=pillar,
    )
    assessment = judgment.assessment
    previous_year = InspectionYear.objects.previous_to(assessment.year)
    previous = (
        PillarJudgment.objects.published()
        .filter(assessment__force=assessment.force, assessment__year=previous_year, pillar__slug=pillar)
        .select_related("pillar")
    )
    changes_for([judgment], previous, year=assessment.year, previous_year=previous_year)
    answers = {qj.question_id: qj for qj in judgment.question_judgments.all()}
    questions = [(question, answers.get(question.pk)) for question in judgment.pillar.questions.all()]
    context = {
        "judgment": judgment,
        "assessment": assessment,
        "force": assessment.force,
        "year": assessment.year,
        "pillar": judgment.pillar,
        "previous_year": previous_year,
        "questions": questions,
        "breadcrumbs": [
            HOME,
            ("Police forces", reverse("forces:force-list")),
            (assessment.force.short_name, assessment.force.get_absolute_url()),
            (assessment.year.title, assessment.get_absolute_url()),
            (judgment.pillar.name, None),
        ],
        "nav_section": "forces",
    }
    return render(request, "inspections/pillar_detail.html", context)
