"""Two to six forces side by side across every published PEEL year, newest first.

The forces come from the query string (``?force=kent&force=essex``), so a comparison is a link to share. For
each year the page shows a table: a row per graded pillar or area, a column per force in the order chosen, and
a column saying how every force in England and Wales was graded. The page and its CSV and JSON downloads read
the same ``compare_forces()``, so they hold the same grades in the same order. A year in which none of the
forces has an assessment gets a mention rather than a table. Six queries with nothing kept, however many
forces and years; none once the site's facts are kept (``reference``, ``published_grades``).
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from forces import reference as force_reference
from peel.breadcrumbs import breadcrumbs
from peel.caching.kept import keeping, kept
from peel.downloads import download, refusal
from peel.publishing import published_q

from . import reference
from .history import change_between, grade_distribution
from .marks import grade_with_change
from .models import NOT_COMPARABLE_WARNING, Assessment, Change, Grade, PillarJudgment, assessment_url
from .rows import COLUMNS, grade_row
from .tables import Judgment, bar_segments, bar_shapes

FEWEST, MOST = 2, 6
MOST_VALUES = 50  # more ``force`` values than this are refused without reading them


def compare_url(*forces, start=None):
    """The compare page for these forces, or the empty form with ``start`` ticked."""
    query = [("force", force.slug) for force in forces] + ([("start", start.slug)] if start else [])
    return f"{reverse('inspections:compare')}?{urlencode(query)}"


class ForcesField(forms.MultipleChoiceField):
    """Force slugs from the list, each once, two to six of them, in the order given."""

    def validate(self, value):
        if len(value) > MOST_VALUES:
            raise ValidationError("Choose no more than six forces", code="too_many")
        super().validate(value)
        if len(set(value)) < len(value):
            raise ValidationError("Choose each force once", code="repeated")
        if len(value) < FEWEST:
            raise ValidationError("Choose at least two forces", code="too_few")
        if len(value) > MOST:
            raise ValidationError("Choose no more than six forces", code="too_many")


@functools.lru_cache(maxsize=4096)
def checkbox(option_id, slug, label, checked):
    """One force's checkbox in the picker, made once per force and state: a page may list hundreds of forces,
    and a template's loop over them costs more than the comparison itself."""
    return format_html(
        '<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="{}" name="force" '
        'type="checkbox" value="{}"{}><label class="govuk-label govuk-checkboxes__label" for="{}">{}</label></div>',
        option_id,
        slug,
        mark_safe(" checked") if checked else "",  # noqa: S308 - a constant
        option_id,
        label,
    )


class CompareForm(forms.Form):
    """The forces to compare. Bound only when the query string names some; ``start`` ticks one force on the
    empty form (the link from a force's page) without asking for a comparison."""

    force = ForcesField(
        label="Forces to compare",
        error_messages={"required": "Choose at least two forces", "invalid_choice": "Choose forces from the list"},
    )

    def __init__(self, data, *, forces):
        self.by_slug = {force.slug: force for force in forces}
        self.regions = defaultdict(list)
        for force in forces:
            self.regions[force.region.name].append(force)
        asked = "force" in data
        # One value past the limit is enough to refuse the rest unread.
        self.values = [v for v in data.getlist("force")[: MOST_VALUES + 1] if v] if asked else []
        self.start = data.get("start", "") if not asked else ""
        super().__init__({"force": self.values} if asked else None)
        self.fields["force"].choices = [(f.slug, f.short_name) for f in forces]

    @property
    def chosen(self):
        """The forces to compare, in the order given, or an empty list."""
        return [self.by_slug[slug] for slug in self.cleaned_data["force"]] if self.is_valid() else []

    def options(self):
        """Checkboxes by region: (region name, its checkboxes' markup), each ticked when it was asked for. The
        first has the field's own id, which the error summary links to; the rest follow GOV.UK's numbering."""
        ticked = set(self.values) | {self.start}
        groups, n = [], 0
        for region, forces in self.regions.items():
            boxes = []
            for force in forces:
                n += 1
                option_id = self["force"].auto_id + (f"-{n}" if n > 1 else "")
                boxes.append(checkbox(option_id, force.slug, force.short_name, force.slug in ticked))
            groups.append((region, mark_safe("".join(boxes))))  # noqa: S308 - each made by format_html
        return groups


@dataclass
class Cell:
    """One force's grade for one pillar in one year, with how it compares with the year before, and what the
    page shows of it (``tag``: the grade's tag and how it changed, or "" for no grade), worked out once here."""

    force: object
    assessment: object
    judgment: object
    change: str | None = None

    def __post_init__(self):
        self.grade_status = self.judgment.grade_status if self.judgment else ("", "No grade recorded")
        self.has_grade = self.judgment is not None and bool(self.judgment.grade or self.judgment.not_graded)
        self.change_label = Change(self.change).label if self.change else ""
        self.tag = grade_with_change(*self.grade_status, self.change, self.change_label) if self.has_grade else ""


@dataclass
class PillarRow:
    pillar: object
    cells: list
    distribution: dict

    @property
    def cells_html(self):
        """The row's cells as the table shows them, a force's grade each and then every force's: made here,
        since a template per cell costs more than the rest of the comparison."""
        cells = [grade_cell(c.force.short_name, c.tag, c.grade_status[1]) for c in self.cells]
        distribution = format_html(
            '<td class="govuk-table__cell peel-compare-table__all"><span class="peel-cell-label">England and Wales: '
            '</span><span class="peel-compare-dist"><svg class="peel-compare-dist__bar" width="100%" height="22" '
            'aria-hidden="true" focusable="false">{}</svg><span class="peel-compare-dist__text">{}</span></span></td>',
            self.distribution["bar"],
            self.distribution["text"],
        )
        return mark_safe("".join([*cells, distribution]))  # noqa: S308 - each made by format_html


@functools.lru_cache(maxsize=4096)
def grade_cell(force_name, tag, status):
    """A force's cell: its name (shown only on a narrow screen), then its grade's tag and how it changed, or
    the words for no grade."""
    value = tag or format_html('<span class="peel-no-data">{}</span>', status)
    return format_html(
        '<td class="govuk-table__cell peel-compare-table__grade"><span class="peel-cell-label">{}: </span>'
        '<span class="peel-compare-table__value">{}</span></td>',
        force_name,
        value,
    )


@dataclass
class YearComparison:
    """A year's table: its columns (force, assessment or None), a row per graded pillar, the pillars it did not
    grade, and whether it begins a grading framework that cannot be compared with the year before."""

    year: object
    previous: object
    columns: list
    rows: list = field(default_factory=list)
    ungraded: list = field(default_factory=list)
    framework_changed: bool = False


@dataclass(eq=False)
class ComparedAssessment:
    """A force's published assessment as a comparison shows it: linked, with its judgments by pillar slug."""

    pk: int
    force: object
    year: object
    judgments: dict = field(default_factory=dict)

    @property
    def force_id(self):
        return self.force.pk

    @property
    def year_id(self):
        return self.year.pk

    def get_absolute_url(self):
        return assessment_url(self.force, self.year)


def compare_forces(forces, *, force_count):
    """Every published year's table for ``forces``, newest first, with the distribution of grades among all
    ``force_count`` forces; and the years, newest first, in which none of them has an assessment (which get no
    table). With nothing kept, six queries: the forces' assessments and their judgments (``published_grades``),
    and the years, their pillars and questions and the counts of grades (``reference``); none once kept."""
    years = reference.years()[::-1]  # oldest first
    pillars_by_year = reference.pillars_by_year()
    by_id = {year.pk: year for year in years}
    by_force = {force.pk: force for force in forces}
    pillars = {pillar.pk: pillar for year in years for pillar in pillars_by_year.get(year.pk, [])}
    assessment_rows, judgment_rows = published_grades(*by_force)
    assessments = {
        pk: ComparedAssessment(pk, by_force[force], by_id[year])
        for pk, force, year in assessment_rows
        if year in by_id  # else its year went public a moment after the years were read
    }
    # The assessments' published judgments, as the table's cells need them (tables.Judgment, by pillar slug).
    for pk, assessment, pillar, grade, not_graded, source_url in judgment_rows:
        if assessment in assessments and pillar in pillars:  # a judgment of another year's pillar is left out
            pillar = pillars[pillar]
            judgment = Judgment(pk, grade, source_url, graded=pillar.graded, not_graded=not_graded, pillar=pillar)
            assessments[assessment].judgments[pillar.slug] = judgment
    build = functools.partial(_distributions, years, pillars_by_year)  # kept for each number of forces
    distributions = kept("compare distributions", build, force_count)
    tables = arrange(years, pillars_by_year, forces, list(assessments.values()), distributions)
    shown = {table.year.pk for table in tables}
    return tables, [year for year in years[::-1] if year.pk not in shown]


def published_grades(*force_ids):
    """The published assessments of these forces, as (pk, force id, year id), and their published pillar
    judgments, as (pk, assessment id, pillar id, grade, not graded, source URL): two queries for them all, or
    what is kept for each force (``peel.caching.kept``), shared by every request of the process."""
    if not keeping():
        return _published_grades(*force_ids)
    assessments, judgments = [], []
    for force_id in force_ids:
        its_assessments, its_judgments = kept("compared grades", _published_grades, force_id)
        assessments += its_assessments
        judgments += its_judgments
    return assessments, judgments


def _published_grades(*force_ids):
    assessments = Assessment.objects.published().filter(force__in=force_ids).order_by()
    assessments = tuple(assessments.values_list("pk", "force", "year"))
    judgments = PillarJudgment.objects.filter(published_q(), assessment__in=[pk for pk, _, _ in assessments])
    fields = ("pk", "assessment", "pillar", "grade", "not_graded", "source_url")
    return assessments, tuple(judgments.order_by().values_list(*fields))


def _distributions(years, pillars_by_year, force_count):
    """How all ``force_count`` forces were graded on each graded pillar of ``years`` (every published year), by
    pillar id."""
    counts_by_pillar = defaultdict(list)
    for row in reference.grade_counts():
        counts_by_pillar[row["pillar_id"]].append(row)
    return {
        pillar.pk: distribution_for(counts_by_pillar[pillar.pk], year, force_count=force_count)
        for year in years
        for pillar in pillars_by_year.get(year.pk, [])
        if pillar.graded
    }


def arrange(years, pillars_by_year, forces, assessments, distributions):
    """The tables from years (oldest first) with their pillars in order (by year id), assessments carrying
    their published judgments by pillar slug as ``judgments``, and how every force was graded on each pillar
    (by pillar id, from ``_distributions``). A grade is compared only with the same force's grade for the same
    pillar (by slug) in the year straight before, and never across a change of scale. A year in which none of
    the forces has a published assessment gets no table (the page names it instead): a table of nothing but
    "no grade recorded" says less than the one sentence."""
    by_key = {(a.force_id, a.year_id): a for a in assessments}
    judgments = {key: a.judgments for key, a in by_key.items()}
    tables, previous = [], None
    for year in years:
        comparable = year.is_comparable_with(previous)
        columns = [(force, by_key.get((force.pk, year.pk))) for force in forces]
        if not any(assessment for _, assessment in columns):
            previous = year
            continue
        table = YearComparison(
            year,
            previous,
            columns=columns,
            framework_changed=previous is not None and not comparable,
        )
        for pillar in pillars_by_year.get(year.pk, []):
            if not pillar.graded:
                table.ungraded.append(pillar)
                continue
            cells = []
            for force, assessment in table.columns:
                judgment = judgments.get((force.pk, year.pk), {}).get(pillar.slug)
                before = judgments.get((force.pk, previous.pk), {}).get(pillar.slug) if comparable else None
                change = change_between(judgment, before, year=year, previous_year=previous)
                cells.append(Cell(force, assessment, judgment, change))
            table.rows.append(PillarRow(pillar, cells, distributions[pillar.pk]))
        tables.append(table)
        previous = year
    return tables[::-1]


def distribution_for(counts, year, *, force_count):
    """How many of all the forces got each grade on one pillar: the counts, a sentence, and a bar's parts
    (x and width in percent) and shapes for a chart drawn on the server."""
    found = grade_distribution(counts, year.allowed_grades, force_count=force_count)
    if found:
        found = found[0]
    else:
        found = {"grades": [(grade, 0) for grade in year.allowed_grades], "not_graded": 0, "no_grade": force_count}
    parts = [(grade.value, grade.label, n) for grade, n in found["grades"]]
    parts += [("none", "Not graded", found["not_graded"]), ("missing", "No grade recorded here", found["no_grade"])]
    segments = bar_segments(parts, force_count)
    bar = bar_shapes(
        segments,
        height=22,
        part_class="peel-summary__part--",
        count_class="peel-compare-dist__count peel-summary__count--",
        count_y=16,
        room=6,
    )
    words = [f"{label} {n}" for _, label, n in parts if n]
    return {**found, "segments": segments, "bar": bar, "text": ", ".join(words).capitalize() if words else "No forces"}


def in_words(names):
    """Names as a sentence lists them: "Kent", "Kent and Essex", "Kent, Essex and Surrey"."""
    return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))


def download_rows(tables, absolute):
    """A row per cell, in the page's order: year (newest first), pillar, then force as chosen."""
    rows = []
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                page = absolute(cell.assessment.get_absolute_url()) if cell.assessment else ""
                rows.append(
                    grade_row(
                        year=table.year,
                        force=cell.force,
                        pillar=row.pillar,
                        judgment=cell.judgment,
                        page_url=page,
                        change=cell.change or "",
                    )
                )
    return rows


@require_safe
def compare(request):
    forces = force_reference.forces()
    form = CompareForm(request.GET, forces=forces)
    chosen = form.chosen
    fmt = request.GET.get("format", "")
    if fmt and (refused := refusal(fmt)):
        return refused
    tables, years_without = compare_forces(chosen, force_count=len(forces)) if chosen else ([], [])
    if fmt and chosen:
        rows = download_rows(tables, request.build_absolute_uri)
        return download(rows, COLUMNS, fmt=fmt, filename="peel-compare-" + "-".join(f.slug for f in chosen))
    context = {
        "form": form,
        "chosen": chosen,
        "names": in_words([force.short_name for force in chosen]),
        "tables": tables,
        "years_without": years_without,
        "download_query": urlencode([("force", force.slug) for force in chosen]),
        "force_count": len(forces),
        "grades": list(Grade),
        "framework_warning": NOT_COMPARABLE_WARNING,
        "breadcrumbs": breadcrumbs(("Compare forces", None)),
        "nav_section": "compare",
    }
    return render(request, "inspections/compare.html", context)
