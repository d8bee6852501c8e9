"""Everything a year's table shows, read once from the database for the page, its downloads and the API."""

from dataclasses import dataclass
from html import escape

from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from forces import reference as force_reference
from forces.models import Force
from peel.caching.kept import kept

from . import reference
from .filters import YearTableFilter
from .models import PillarJudgment, QuestionJudgment
from .rows import grade_row
from .tables import (
    Judgment,
    TableAssessment,
    columns_for,
    grade_key,
    grade_summary,
    summary_rows,
    table_head,
    year_rows,
)


def year_grades(year, pillars, *, answers=False):
    """The year's published assessments with a published grade, by force id, each a ``tables.TableAssessment``
    with its published pillar judgments by pillar id (and with ``answers`` each judgment's question judgments
    by question id). ``pillars`` are the year's, with ``question_list`` for answers. Kept per content token
    (``peel.caching.kept``) like the year's pillars, so shared by every request of the process: never change
    what it returns. Read with ``values()``: one query, two with answers; none of a table's cells costs
    another."""
    return kept("year grades", lambda year_id, answers: _year_grades(year, pillars, answers), year.pk, answers)


def _year_grades(year, pillars, answers):
    graded = {pillar.pk: pillar.graded for pillar in pillars}
    assessments, judgments = {}, {}
    rows = (
        PillarJudgment.objects.published()
        .for_year(year)
        .order_by()
        .values_list("pk", "assessment", "assessment__force", "pillar", "grade", "not_graded", "source_url")
    )
    for pk, assessment, force, pillar, grade, not_graded, source_url in rows:
        if force not in assessments:
            assessments[force] = TableAssessment(assessment, year)
        judgment = Judgment(pk, grade, source_url, graded=graded.get(pillar, True), not_graded=not_graded)
        judgments[pk] = assessments[force].judgments[pillar] = judgment
    if answers and judgments:
        graded = {question.pk: question.graded for pillar in pillars for question in pillar.question_list}
        rows = QuestionJudgment.objects.filter(pillar_judgment__in=list(judgments)).order_by()
        for pk, judgment, question, grade, source_url in rows.values_list(
            "pk", "pillar_judgment", "question", "grade", "source_url"
        ):
            judgments[judgment].answers[question] = Judgment(pk, grade, source_url, graded=graded.get(question, True))
    return assessments


@dataclass(frozen=True)
class TableGroup:
    """One of a year page's tables: its heading (a region's name, or empty), its caption and its rows' markup."""

    heading: str
    caption: str
    rows_html: str


class YearTable:
    """A published year's table for a query string: its columns, its rows (forces with a grade recorded in
    one of its columns), the forces with none, and a summary of the grades per column. Its grades are one query
    (two at question level); the pillars, questions and forces are three more unless kept (``reference``), and a
    search by name or region reads the forces it keeps (and checks a chosen region). All are made here: nothing
    is read later. ``regions``, when given, are the region filter's choices, so that showing the filter's form
    makes no query of its own."""

    def __init__(self, data, year, *, regions=None):
        self.year = year
        self.pillars = reference.year_pillars(year.pk)
        forces = Force.objects.by_region()  # in the order the kept forces come
        self.filter = YearTableFilter(data, forces, year=year, pillars=self.pillars, regions=regions)
        self.level = self.filter.choice("level", "pillar")
        self.sort = self.filter.choice("sort")
        self.worst_first = self.filter.choice("order", "best") == "worst"
        self.by_region = self.filter.choice("group") == "region"
        self.grades = self.filter.choice("grade", [])
        self.columns = columns_for(self.pillars, level=self.level, only=self.filter.choice("pillar"))

        forces = self.filter.forces(force_reference.forces)
        assessments = year_grades(year, self.pillars, answers=self.level == "question")
        assessed = [force for force in forces if force.pk in assessments]
        assessed_rows = year_rows(
            assessed, assessments, self.columns, sort=self.sort, worst_first=self.worst_first, by_region=self.by_region
        )
        self.force_total = len(forces)
        # Forces with no grade recorded in the table's columns (most with no assessment that year: no row is made
        # for them), by region when grouped, then by name.
        recorded = {row.force.pk for row in assessed_rows if row.recorded}
        without = [force for force in forces if force.pk not in recorded]
        if not self.by_region:
            without.sort(key=lambda force: force.short_name)  # the forces come by region, then by name
        self.forces_without_grades = without
        # The table's rows: forces with a grade recorded here, narrowed to the chosen grades.
        rows = [row for row in assessed_rows if row.recorded]
        if self.grades:
            wanted = set(self.grades)
            rows = [row for row in rows if any(grade_key(judgment) in wanted for _, judgment in row.cells)]
        self.rows = rows

    @property
    def grade_labels(self):
        """The chosen grades in words, in the scale's order."""
        return [label.lower() for value, label in self.filter.form.fields["grade"].choices if value in self.grades]

    @property
    def recorded_force_count(self):
        return self.force_total - len(self.forces_without_grades)

    @property
    def complete_count(self):
        return sum(1 for row in self.rows if not row.missing)

    @property
    def has_question_grades(self):
        return any(q.graded for p in self.pillars for q in p.question_list)

    @property
    def ungraded_pillars(self):
        return [p for p in self.pillars if not p.graded]

    @cached_property
    def head(self):
        """The tables' head, written once however many tables the page shows (``tables.table_head``)."""
        return table_head(
            self.columns,
            by_question=self.level == "question",
            sort_column=self.sort_column,
            worst_first=self.worst_first,
        )

    @property
    def forces_without_grades_html(self):
        """The forces with no grade here, each linked to its page, as the items of a list: written here for the
        reason the rows are, since at ten times the forces the list runs to hundreds."""
        links = (
            f'<a class="govuk-link" href="{escape(force.get_absolute_url())}">{escape(force.short_name)}</a>'
            for force in self.forces_without_grades
        )
        return mark_safe("".join(f"<li>{link}</li>" for link in links))  # noqa: S308 - addresses and names escaped

    @cached_property
    def groups(self):
        """The page's tables: one per region when grouped by region, headed by its name, else one of every row
        (none without rows). Each caption and each table's rows are written here, as the rows' cells are: a
        template's work for each of a dozen tables costs more than the rows themselves."""
        if self.by_region:
            by_region = {}
            for row in self.rows:  # the rows come by region
                by_region.setdefault(row.force.region.name, []).append(row)
            named = by_region.items()
        else:
            named = [("", self.rows)] if self.rows else []
        return [
            TableGroup(
                heading=name,
                caption=self._caption(name or "All forces with grades recorded", len(rows)),
                rows_html=mark_safe("\n    ".join(row.html for row in rows)),  # noqa: S308 - rows escape their text
            )
            for name, rows in named
        ]

    def _caption(self, name, count):
        words = f"{self.year.title} grades{' by question' if self.level == 'question' else ''}: {name} ({count} "
        words += "force)" if count == 1 else "forces)"
        if self.sort_column:
            order = "worst" if self.worst_first else "best"
            words += f", {order} {self.sort_column.name.lower()} grade first"
        return words

    @cached_property
    def sort_column(self):
        return next((column for column in self.columns if column.key == self.sort), None)

    @cached_property
    def summary(self):
        return grade_summary(self.rows, self.columns, self.year.allowed_grades)

    @property
    def summary_rows(self):
        """The summary chart's rows (``tables.summary_rows``)."""
        return summary_rows(self.summary)

    def download_rows(self, absolute):
        """One row per cell of the table, in the table's order; ``absolute`` makes a path a full address."""
        out = []
        for row in self.rows:
            page = absolute(row.url) if row.assessment else ""
            for column, judgment in row.cells:
                out.append(
                    grade_row(
                        year=self.year,
                        force=row.force,
                        pillar=column.pillar,
                        question=column.question,
                        judgment=judgment,
                        page_url=page,
                    )
                )
        return out
