import copy

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from forces import reference as force_reference
from peel.breadcrumbs import breadcrumbs
from peel.caching.kept import keeping, kept
from peel.downloads import download, refusal
from peel.publishing import published_q
from peel.publishing.changes import is_about, last_updated, public_notes

from . import reference
from .history import changes_for, grade_distribution
from .models import Assessment, PillarJudgment, headline_year
from .rows import COLUMNS
from .year_table import YearTable


@require_safe
def home(request):
    years = reference.published_years()
    year = headline_year(years)
    glance = []
    if year:
        counts = reference.year_grade_counts(year.pk)
        glance = grade_distribution(counts, year.allowed_grades, force_count=year.force_count)
    newer = [y for y in years if year and y.first_year > year.first_year and y.graded_force_count]
    context = {"year": year, "glance": glance, "newer": newer, "years": years, "nav_section": "home"}
    return render(request, "inspections/home.html", context)


@require_safe
def year_list(request):
    years = reference.published_years()
    context = {"years": years, "breadcrumbs": breadcrumbs(("PEEL years", None)), "nav_section": "years"}
    return render(request, "inspections/year_list.html", context)


@require_safe
def year_detail(request, year):
    year = reference.published_year(year)
    if year is None:
        raise Http404("No such published year.")
    fmt = request.GET.get("format", "")
    if fmt and (refused := refusal(fmt)):
        return refused
    table = YearTable(request.GET, year, regions=None if fmt else force_reference.regions())
    if fmt:
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
    assessment, previous_year, pillars, judgments, earlier = _page_assessment(force, year)
    year, force = assessment.year, assessment.force
    # Kept judgments are shared by every request of the process: this page marks copies of its own.
    judgments = [copy.copy(judgment) for judgment in judgments]
    changes_for(judgments, earlier, year=year, previous_year=previous_year)
    judged = {j.pillar_id for j in judgments}
    # The page's changes are its own and its pillars' (all public: read through published()). One query at
    # most; none with the facts kept when none of them has a note.
    notes = public_notes([assessment, *judgments])
    for judgment in judgments:
        judgment.last_updated_shown = last_updated([n for n in notes if is_about(n, judgment)], judgment.last_updated)
    context = {
        "assessment": assessment,
        "force": force,
        "year": year,
        "previous_year": previous_year,
        "judgments": judgments,
        "change_notes": notes,
        "last_updated": last_updated(notes),  # the page has no date of its own until a major change
        "missing_pillars": [p for p in pillars if p.graded and p.pk not in judged],
        "reports": [report for report in reference.force_reports(force.pk) if report.year_id == year.pk],
        **force_reference.force_context(force.pk),
        "breadcrumbs": breadcrumbs(
            ("Police forces", reverse("forces:force-list")),
            (force.short_name, force.get_absolute_url()),
            (year.title, None),
        ),
        "nav_section": "forces",
    }
    return render(request, "inspections/assessment_detail.html", context)


def _page_assessment(force_slug, year_slug):
    """(assessment, previous_year, pillars, judgments, earlier) for a force's published assessment in a published
    year, or a 404: the assessment with its force, year and inspector; the published year before (or None); the
    year's pillars in order; the assessment's published judgments; and the force's published ones in the year
    before, to compare with (``_grades_with_year_before``). Two queries with nothing kept; none once this
    force's assessment for this year is kept (``peel.caching.kept``): the forces and years are kept already."""
    if not keeping():
        assessments = Assessment.objects.published().for_page()
        assessment = get_object_or_404(assessments, force__slug=force_slug, year__slug=year_slug)
        previous_year = reference.previous_year(assessment.year)
        years = [assessment.year_id] + ([previous_year.pk] if previous_year else [])
        shown = Q(published_q("assessment__"), assessment__force=assessment.force_id, assessment__year__in=years)
        return assessment, previous_year, *_grades_with_year_before(assessment, previous_year, shown)
    year = reference.published_year(year_slug)
    force = next((force for force in force_reference.forces() if force.slug == force_slug), None)
    if year is None or force is None:
        raise Http404("No such force or published year.")
    found = kept("assessment page", _kept_assessment, force.pk, year.pk)
    if found is None:
        raise Http404("No such published assessment.")
    return found


def _kept_assessment(force_id, year_id):
    """What ``_page_assessment`` returns, from the kept forces and years and two queries (the assessment with
    the force's one in the year before, without a join; their judgments); None when there is no such published
    assessment. Kept by the force's and year's ids, found first, so a made-up address keeps nothing. The force
    and year are found again here rather than passed in: those the request found were read before the token
    this is kept under, and a write in between would file them, stale, under the new one."""
    year = next((year for year in reference.years() if year.pk == year_id), None)
    force = next((force for force in force_reference.forces() if force.pk == force_id), None)
    if year is None or force is None:  # withdrawn since the request found them
        return None
    previous_year = reference.previous_year(year)
    years = [year.pk] + ([previous_year.pk] if previous_year else [])
    found = Assessment.objects.filter(published_q(), force=force, year__in=years).select_related("inspector")
    found = {assessment.year_id: assessment for assessment in found.order_by()}
    if year.pk not in found:
        return None
    assessment = found[year.pk]
    assessment.force, assessment.year = force, year
    shown = Q(assessment__in=[other.pk for other in found.values()])
    return assessment, previous_year, *_grades_with_year_before(assessment, previous_year, shown)


def _grades_with_year_before(assessment, previous_year, shown):
    """The assessment's year's pillars in order, each with its ``question_count``; the assessment's published
    judgments, each with its pillar, in the year's order of pillars (whatever order they were recorded in); and
    its force's published judgments in ``previous_year`` (None for none) with theirs, to compare with, read
    through ``shown`` (from ``_page_assessment``). Two queries, or one with the pillars kept."""
    years = [assessment.year_id] + ([previous_year.pk] if previous_year else [])
    by_year = reference.pillar_lists(*years)
    pillars = {pillar.pk: pillar for year in years for pillar in by_year[year]}
    judgments = PillarJudgment.objects.filter(published_q(), shown)  # both years are published
    current, earlier = [], []
    for judgment in judgments.order_by("pk"):
        if judgment.pillar_id in pillars:  # always, unless a judgment was saved against another year's pillar
            judgment.pillar = pillars[judgment.pillar_id]
        if judgment.assessment_id == assessment.pk:
            judgment.assessment = assessment
            current.append(judgment)
        else:
            earlier.append(judgment)
    order = {pillar.pk: index for index, pillar in enumerate(by_year[assessment.year_id])}
    current.sort(key=lambda judgment: order.get(judgment.pillar_id, len(order)))
    return by_year[assessment.year_id], current, earlier


@require_safe
def pillar_detail(request, force, year, pillar):
    judgment = get_object_or_404(
        PillarJudgment.objects.published().for_page(),
        assessment__force__slug=force,
        assessment__year__slug=year,
        pillar__slug=pillar,
    )
    assessment = judgment.assessment
    previous_year = reference.previous_year(assessment.year)
    earlier = []
    if previous_year:
        earlier = PillarJudgment.objects.published().filter(
            assessment__force=assessment.force_id, assessment__year=previous_year, pillar__slug=judgment.pillar.slug
        )
        earlier = list(earlier.select_related("pillar").order_by())
    changes_for([judgment], earlier, year=assessment.year, previous_year=previous_year)
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
