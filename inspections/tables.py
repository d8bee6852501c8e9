"""A year's grades as a table: a row per force, a column per pillar (or per question of each pillar).

The page, its downloads and the API all read a year through ``YearTable``, so they show the same rows in the
same order. Nothing here queries the database: the view fetches the year, its pillars and questions and the
published assessments, and this arranges them.
"""

from collections import Counter
from dataclasses import dataclass

from .models import Grade

NO_GRADE = "none"  # the grade filter's value for "no grade recorded"


@dataclass(frozen=True)
class Column:
    """A pillar, or one question of a pillar, with a key for sorting and query strings."""

    pillar: object
    question: object = None

    @property
    def key(self):
        return self.pillar.slug if self.question is None else f"{self.pillar.slug}-q{self.question.number}"

    @property
    def name(self):
        return self.pillar.name if self.question is None else f"{self.pillar.name} question {self.question.number}"

    @property
    def short_name(self):
        return self.pillar.name if self.question is None else f"Q{self.question.number}"


def columns_for(pillars, *, level="pillar", only=""):
    """The graded columns of a year: its graded pillars, or each graded question of every pillar (a pillar
    with no graded question keeps its own column), limited to the pillar whose slug is ``only``."""
    columns = []
    for pillar in pillars:
        if only and pillar.slug != only:
            continue
        questions = [q for q in pillar.questions.all() if q.graded] if level == "question" else []
        if questions:
            columns.extend(Column(pillar, question) for question in questions)
        elif pillar.graded:
            columns.append(Column(pillar))
    return columns


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
    """One force's line in a year's table: its assessment (or None) and a cell per column."""

    force: object
    assessment: object
    cells: list  # (column, judgment or None) in the columns' order

    @property
    def recorded(self):
        return sum(1 for _, judgment in self.cells if has_grade(judgment))

    @property
    def missing(self):
        return len(self.cells) - self.recorded


def _cells(assessment, columns):
    pillar_judgments = {j.pillar_id: j for j in assessment.published_judgments} if assessment else {}
    answers = {}
    cells = []
    for column in columns:
        judgment = pillar_judgments.get(column.pillar.pk)
        if column.question is not None and judgment is not None:
            if judgment.pk not in answers:
                answers[judgment.pk] = {a.question_id: a for a in judgment.question_judgments.all()}
            judgment = answers[judgment.pk].get(column.question.pk)
        elif column.question is not None:
            judgment = None
        cells.append((column, judgment))
    return cells


def year_rows(forces, assessments, columns, *, sort="", worst_first=False, by_region=False):
    """A YearRow per force, from assessments (by force id) carrying ``published_judgments``.

    Rows are by force name, or by the grade in the column whose key is ``sort`` (best first, or worst first;
    forces with no grade there always last); by region first when grouped. An unknown ``sort`` is ignored.
    """
    rows = [YearRow(force, assessments.get(force.pk), _cells(assessments.get(force.pk), columns)) for force in forces]
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


def grade_summary(rows, columns, grades):
    """Per column, how many of the rows got each grade on the year's scale and how many have none, with each
    count's place in a bar of the whole (``segments``, for a chart)."""
    summary = []
    for index, column in enumerate(columns):
        counts = Counter(grade_key(row.cells[index][1]) for row in rows)
        parts = [(grade.value, grade.label, counts[grade.value]) for grade in grades]
        parts += [("none", "Not graded", counts["not-graded"]), ("missing", "No grade recorded", counts[NO_GRADE])]
        summary.append({"column": column, "segments": bar_segments(parts, len(rows)), "total": len(rows)})
    return summary
