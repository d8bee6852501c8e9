"""A year's grades as a table: a row per force, a column per pillar (or per question of each pillar).

The page, its downloads and the API all read a year through ``YearTable``, so they show the same rows in the
same order. Nothing here queries the database: the view fetches the year, its pillars and questions and the
published assessments, and this arranges them.
"""

import functools
import itertools
from collections import Counter
from dataclasses import dataclass, field
from html import escape

from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .marks import grade_tag
from .models import Grade, JudgmentRules, assessment_url

NO_GRADE = "none"  # the grade filter's value for "no grade recorded"


@dataclass(frozen=True)
class Column:
    """A pillar, or one question of a pillar, with a key for sorting and query strings."""

    pillar: object
    question: object = None

    @cached_property
    def key(self):
        return self.pillar.slug if self.question is None else f"{self.pillar.slug}-q{self.question.number}"

    @cached_property
    def name(self):
        return self.pillar.name if self.question is None else f"{self.pillar.name} question {self.question.number}"

    @cached_property
    def short_name(self):
        return self.pillar.name if self.question is None else f"Q{self.question.number}"


@dataclass(eq=False)
class Judgment(JudgmentRules):
    """A published pillar or question judgment as a table holds it: only what its cell and its download row
    show, read with ``values()`` (see inspections/year_table.py), which a table of every force needs to be
    quick. ``graded`` says whether its pillar or question is graded at all."""

    pk: int
    grade: str
    source_url: str
    graded: bool = True
    not_graded: bool = False  # the inspectorate's recorded decision not to grade (pillar judgments only)
    pillar: object = None
    answers: dict = field(default_factory=dict)  # a pillar judgment's question judgments, by question id

    @property
    def grade_status(self):
        return self._grade_status(graded=self.graded)

    @cached_property
    def tag(self):
        """What its cell shows: the grade's tag, or empty for no grade recorded. Worked out once: a year's
        judgments are kept from one request to the next (``year_table.year_grades``)."""
        return grade_tag(*self.grade_status) if has_grade(self) else ""


@dataclass(eq=False)
class TableAssessment:
    """A force's published assessment as a year's table holds it: its year and its published judgments by
    pillar id. Its force is the row's (``YearRow.url``): a year's grades are kept and shared by every request
    (``year_table.year_grades``), so nothing here is set per page."""

    pk: int
    year: object
    judgments: dict = field(default_factory=dict)


def columns_for(pillars, *, level="pillar", only=""):
    """The graded columns of a year: its graded pillars, or each graded question of every pillar (a pillar
    with no graded question keeps its own column), limited to the pillar whose slug is ``only``. Each pillar
    carries its questions in order as ``question_list`` (as ``reference.year_pillars()`` gives them)."""
    columns = []
    for pillar in pillars:
        if only and pillar.slug != only:
            continue
        questions = [q for q in pillar.question_list if q.graded] if level == "question" else []
        if questions:
            columns.extend(Column(pillar, question) for question in questions)
        elif pillar.graded:
            columns.append(Column(pillar))
    return columns


def table_head(columns, *, by_question, sort_column=None, worst_first=False):
    """The head of a year's table: a header per column, the sorted one marked with ``aria-sort``, and at question
    level a first row naming each pillar over its questions. The same for every table on a page, so written
    once per page, here for the reason the rows are."""
    rows = []
    if by_question:
        spans = [(pillar, len(list(group))) for pillar, group in itertools.groupby(columns, key=lambda c: c.pillar)]
        groups = "".join(
            f'<th scope="colgroup" colspan="{span}" class="govuk-table__header peel-year-table__group">'
            f"{escape(pillar.name)}</th>"
            for pillar, span in spans
        )
        rows.append(f'<tr class="govuk-table__row"><td class="govuk-table__header"></td>{groups}</tr>')
    headers = []
    for column in columns:
        sort = ""
        if column == sort_column:
            sort = f' aria-sort="{"descending" if worst_first else "ascending"}"'
        name = escape(column.name)
        if column.question is not None:
            short = f'<span aria-hidden="true">{escape(column.short_name)}</span>'
            name = f'{short}<span class="govuk-visually-hidden">{name}</span>'
        headers.append(f'<th scope="col" class="govuk-table__header"{sort}>{name}</th>')
    force = '<th scope="col" class="govuk-table__header peel-year-table__force">Force</th>'
    rows.append(f'<tr class="govuk-table__row">{force}{"".join(headers)}</tr>')
    head = "\n  ".join(rows)
    return mark_safe(f'<thead class="govuk-table__head">\n  {head}\n</thead>')  # noqa: S308 - names escaped


def has_grade(judgment):
    """Whether a cell holds a grade, or the inspectorate's recorded decision not to grade."""
    return judgment is not None and bool(judgment.grade or getattr(judgment, "not_graded", False))


def grade_key(judgment):
    """The grade filter's value for a cell: the grade, "not-graded", or "none" for no grade recorded."""
    if judgment is not None and judgment.grade:
        return judgment.grade
    if has_grade(judgment):
        return "not-graded"
    return NO_GRADE


@dataclass
class YearRow:
    """One force's line in a year's table: its assessment (or None), a cell per column, and what the page shows
    of each cell (``shown``: the column's name and the grade's tag, empty for no grade), worked out once here."""

    force: object
    assessment: object
    cells: list  # (column, Judgment or None) in the columns' order

    def __post_init__(self):
        self.shown = [(column.name, "" if judgment is None else judgment.tag) for column, judgment in self.cells]
        self.recorded = sum(1 for _, tag in self.shown if tag)
        self.missing = len(self.cells) - self.recorded

    @property
    def html(self):
        """The row as a year's table shows it: the force, linked to its assessment (saying how many of its cells
        hold a grade when some do not), then its cells. Written here for the reason ``cells_html`` is."""
        missing = ""
        if self.missing:
            missing = (
                f'<span class="peel-year-table__missing govuk-body-s"> {self.recorded} of {len(self.cells)} recorded'
                "</span>"
            )
        return mark_safe(  # noqa: S308 - the address and name are escaped, the counts are numbers
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header peel-year-table__force">'
            f'<a class="govuk-link" href="{escape(self.url)}">{escape(self.force.short_name)}</a>{missing}</th>'
            f"{self.cells_html}</tr>"
        )

    @property
    def cells_html(self):
        """The row's cells as a year's table shows them: built here, since a template's loop over every cell of
        every force costs more than the rest of the page."""
        return mark_safe("".join(table_cell(name, tag) for name, tag in self.shown))  # noqa: S308 - escaped below

    @cached_property
    def url(self):
        """The row's link: the force's assessment that year, or the force's page when it has none."""
        if self.assessment is None:
            return self.force.get_absolute_url()
        return assessment_url(self.force, self.assessment.year)


@functools.lru_cache(maxsize=1024)
def table_cell(name, tag):
    """A cell of a year's table: its column's name (shown only on a narrow screen) and the grade's tag, or a
    dash that says "No grade recorded" for no grade. There are few of each, so each cell is made once."""
    if tag:
        return format_html('<td class="govuk-table__cell"><span class="peel-cell-label">{}: </span>{}</td>', name, tag)
    return mark_safe(  # noqa: S308 - constant markup
        '<td class="govuk-table__cell peel-year-table__cell--empty"><span class="peel-no-data">'
        '<span aria-hidden="true">–</span><span class="govuk-visually-hidden">No grade recorded</span></span></td>'
    )


def _cells(assessment, columns, ids):
    """A (column, Judgment or None) per column; ``ids`` are each column's pillar id and question id (or None)."""
    judgments = assessment.judgments if assessment else {}
    cells = []
    for column, (pillar, question) in zip(columns, ids, strict=True):
        judgment = judgments.get(pillar)
        if question is not None and judgment is not None:
            judgment = judgment.answers.get(question)
        cells.append((column, judgment))
    return cells


def year_rows(forces, assessments, columns, *, sort="", worst_first=False, by_region=False):
    """A YearRow per force, from assessments by force id, each carrying its published judgments by pillar id
    as ``judgments`` (``Judgment``s, with their question judgments as ``answers``).

    Rows are by force name, or by the grade in the column whose key is ``sort`` (best first, or worst first;
    forces with no grade there always last); by region first when grouped. An unknown ``sort`` is ignored.
    """
    ids = [(column.pillar.pk, column.question.pk if column.question is not None else None) for column in columns]
    rows = [
        YearRow(force, assessments.get(force.pk), _cells(assessments.get(force.pk), columns, ids)) for force in forces
    ]
    index = next((i for i, column in enumerate(columns) if column.key == sort), None)

    def key(row):
        region = row.force.region.name if by_region else ""
        if index is None:
            return (region, 0, 0, row.force.short_name)
        judgment = row.cells[index][1]
        if judgment is None or not judgment.grade:
            return (region, 1, 0, row.force.short_name)
        rank = Grade.rank(judgment.grade)
        return (region, 0, -rank if worst_first else rank, row.force.short_name)

    return sorted(rows, key=key)


def bar_segments(parts, total):
    """Each (css, label, count) part's place in a bar of ``total``, in percent: x, width and middle (for the
    count's label). Parts with no count take no room."""
    segments, x = [], 0.0
    for css, label, count in parts:
        if count and total:
            width = 100 * count / total
            place = {"x": round(x, 2), "width": round(width, 2), "middle": round(x + width / 2, 2)}
            segments.append({"css": css, "label": label, "count": count, **place})
            x += width
    return segments


def bar_shapes(segments, *, height, part_class, count_class, count_y, room):
    """A bar's SVG shapes from ``bar_segments()``: a rectangle per part, classed ``part_class`` followed by the
    part's own name, and the part's count on it, classed alike, where the part is at least ``room`` percent
    wide. Drawn here rather than in a template: pages draw dozens of bars, and a template's loop over their
    parts costs more than everything else in the table. Every value is a number or one of the grade names."""
    shapes = []
    for part in segments:
        css = escape(part["css"])
        shapes.append(
            f'<rect class="{part_class}{css}" x="{part["x"]}%" y="0" width="{part["width"]}%" height="{height}"></rect>'
        )
        if part["width"] >= room:
            shapes.append(
                f'<text class="{count_class}{css}" x="{part["middle"]}%" y="{count_y}" text-anchor="middle">'
                f"{part['count']}</text>"
            )
    return mark_safe("".join(shapes))  # noqa: S308 - numbers and escaped grade names only


def grade_summary(rows, columns, grades):
    """Per column, how many of the rows got each grade on the year's scale and how many have none, with each
    count's place in a bar of the whole (``segments``, for a chart) and the bar's shapes (``bar``)."""
    summary = []
    for index, column in enumerate(columns):
        counts = Counter(grade_key(row.cells[index][1]) for row in rows)
        parts = [(grade.value, grade.label, counts[grade.value]) for grade in grades]
        parts += [("none", "Not graded", counts["not-graded"]), ("missing", "No grade recorded", counts[NO_GRADE])]
        segments = bar_segments(parts, len(rows))
        bar = bar_shapes(
            segments,
            height=28,
            part_class="peel-summary__part peel-summary__part--",
            count_class="peel-summary__count peel-summary__count--",
            count_y=19,
            room=4,
        )
        summary.append({"column": column, "segments": segments, "bar": bar, "total": len(rows)})
    return summary


def summary_rows(summary):
    """The summary chart's rows, from ``grade_summary()``: each column's name beside its bar. Written here for the
    reason a table's rows are: a template's loop over a bar per question costs more than drawing the bars."""
    return mark_safe(  # noqa: S308 - the names are escaped; the bars are made by bar_shapes
        "".join(
            '<div class="peel-summary__row">'
            f'<span class="peel-summary__name">{escape(item["column"].name)}</span>'
            f'<svg class="peel-summary__svg" width="100%" height="28" focusable="false">{item["bar"]}</svg>'
            "</div>"
            for item in summary
        )
    )
