"""Grades set side by side across years, with how each compares with the year before.

Nothing here queries the database: the views fetch the years and judgments, and these functions arrange
them. "Better", "same" and "worse" are always worked out here and never stored.
"""

from collections import Counter
from dataclasses import dataclass, field

from .marks import grade_with_change
from .models import GRADE_ABBREVIATIONS, Change
from .rows import grade_row


@dataclass
class Cell:
    """A year's grade in a row of grades, with how it compares with the year before, and what the page shows of
    it, worked out once here: ``grade_status`` (empty for no judgment), ``short_grade`` (its short form for a
    narrow chart: "O", "G", "RI" …, or a dash for no grade) and ``tag`` (the grade's tag and how it changed)."""

    year: object
    judgment: object = None
    change: str | None = None

    def __post_init__(self):
        judgment = self.judgment
        self.change_label = Change(self.change).label if self.change else ""
        self.grade_status = judgment.grade_status if judgment else ("", "")
        self.short_grade = GRADE_ABBREVIATIONS.get(judgment.grade, "–") if judgment else ""
        self.tag = grade_with_change(*self.grade_status, self.change, self.change_label) if judgment else ""


@dataclass
class Row:
    name: str
    slug: str
    cells: list = field(default_factory=list)
    graded: bool = True  # a pillar with no judgment in a year is shown as a graded pillar with no grade


def change_between(judgment, previous, *, year, previous_year):
    """How a judgment compares with the same pillar's judgment for the year before, or None."""
    if judgment is None or previous is None:
        return None
    return Change.between(judgment.grade, previous.grade, comparable=year.is_comparable_with(previous_year))


def grade_history(years, assessments):
    """Rows of pillars (by slug), one cell per assessed year, from assessments carrying ``published_judgments``.

    ``years`` is every published year in order: a grade is only ever compared with the year straight
    before it, even when the force was not assessed that year (then there is nothing to compare with).
    """
    by_year = {a.year_id: {j.pillar.slug: j for j in a.published_judgments} for a in assessments}
    rows = {}
    for assessment in sorted(assessments, key=lambda a: a.year.first_year):
        for judgment in assessment.published_judgments:
            rows.setdefault(judgment.pillar.slug, Row(judgment.pillar.name, judgment.pillar.slug))
    previous_year = None
    for year in years:
        judgments = by_year.get(year.pk, {})
        earlier = by_year.get(previous_year.pk, {}) if previous_year else {}
        if year.pk in by_year:
            for slug, row in rows.items():
                judgment = judgments.get(slug)
                change = change_between(judgment, earlier.get(slug), year=year, previous_year=previous_year)
                row.cells.append(Cell(year, judgment, change))
        previous_year = year
    return list(rows.values())


def changes_for(judgments, previous_judgments, *, year, previous_year):
    """Set ``change`` on each judgment, comparing it with the previous year's judgment for the same pillar, and
    ``shown_grade``: its grade's tag followed by that change, as its page shows them."""
    earlier = {j.pillar.slug: j for j in previous_judgments}
    for judgment in judgments:
        judgment.change = change_between(
            judgment, earlier.get(judgment.pillar.slug), year=year, previous_year=previous_year
        )
        judgment.change_label = Change(judgment.change).label if judgment.change else ""
        judgment.shown_grade = grade_with_change(*judgment.grade_status, judgment.change, judgment.change_label)
    return judgments


def grade_distribution(counts, grades, *, force_count):
    """Per pillar, how many forces got each grade on the year's scale, how many the inspectorate did not
    grade, and how many have no grade recorded here, from ``grade_counts()`` rows."""
    pillars = {}
    for row in counts:
        pillar = pillars.setdefault(row["pillar_id"], {"name": row["pillar__name"], "counts": Counter()})
        key = row["grade"] or ("not-graded" if row["not_graded"] else "")
        pillar["counts"][key] += row["forces"]
    result = []
    for p in pillars.values():
        graded = [(grade, p["counts"][grade.value]) for grade in grades]
        not_graded = p["counts"]["not-graded"]
        result.append(
            {
                "name": p["name"],
                "grades": graded,
                "not_graded": not_graded,
                "no_grade": force_count - sum(n for _, n in graded) - not_graded,
            }
        )
    return result


def history_rows(force, history, absolute):
    """A force's grade history as download rows, in the table's order: pillar by pillar, year by year.
    ``absolute`` turns a path into a full address."""
    rows = []
    for row in history:
        for cell in row.cells:
            judgment = cell.judgment
            rows.append(
                grade_row(
                    year=cell.year,
                    force=force,
                    pillar=judgment.pillar if judgment else row,
                    judgment=judgment,
                    change=cell.change,
                    page_url=absolute(judgment.get_absolute_url()) if judgment else "",
                )
            )
    return rows
