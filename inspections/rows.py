"""One grade as a row of a download or an API response, with the same stable columns everywhere.

Every table a person can download (a year's table, the compare page, a force's history, every judgment) is
a list of these rows, one per cell the page shows, in the page's order. The Data page documents each column.
"""

import bisect
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from .models import Change, QuestionJudgment
from .tables import grade_key

COLUMNS = [
    "year",
    "year_title",
    "scale",
    "force",
    "force_name",
    "region",
    "level",
    "pillar",
    "pillar_name",
    "question_number",
    "question",
    "grade",
    "grade_label",
    "change",
    "source_url",
    "page_url",
]

COLUMN_MEANINGS = {
    "year": "The PEEL year's slug, as in its web address: 2014, 2015, 2016, 2017, 2018-19, 2021-22, 2023-25.",
    "year_title": "The PEEL year's name, as in “PEEL 2018/19”.",
    "scale": "The year's grading scale: four-point (2014 to 2018/19) or five-point (from 2021/22, adding adequate).",
    "force": "The force's slug, as in its web address here and on the inspectorate's site.",
    "force_name": "The force's full name.",
    "region": "The region the force is in.",
    "level": "pillar for a grade on a pillar or area of policing; question for a grade on one of its questions.",
    "pillar": "The pillar's or area's slug. The same slug in two years marks the same pillar.",
    "pillar_name": "The pillar's or area's name.",
    "question_number": "The question's number within its pillar; empty for a pillar grade.",
    "question": "The question's text; empty for a pillar grade.",
    "grade": (
        "outstanding, good, adequate, requires-improvement or inadequate; empty where there is no grade "
        "(grade_label says why)."
    ),
    "grade_label": (
        "The grade in words, or “Not graded” (the inspectorate chose not to grade the force), “Ungraded” (the "
        "pillar or question is reported in words only) or “No grade recorded” (this site holds no grade for it: "
        "read the inspectorate's report)."
    ),
    "change": (
        "better, same or worse than the same force's grade for the same pillar in the year before, "
        "not-comparable across a change of grading framework, or empty where there is nothing to compare."
    ),
    "source_url": "Where the grade was published.",
    "page_url": "This site's page for the grade.",
}


def grade_row(*, year, force, pillar, judgment, question=None, page_url="", change=None):
    """The row for one cell: ``judgment`` is a PillarJudgment, a QuestionJudgment (with ``question``) or None."""
    if judgment is not None:
        grade, label = judgment.grade_status
    else:
        graded = question.graded if question is not None else pillar.graded
        grade, label = "", ("No grade recorded" if graded else "Ungraded")
    if change is None and judgment is not None:
        change = getattr(judgment, "change", None)
    return {
        "year": year.slug,
        "year_title": year.title,
        "scale": year.scale,
        "force": force.slug,
        "force_name": force.name,
        "region": force.region.name,
        "level": "question" if question is not None else "pillar",
        "pillar": pillar.slug,
        "pillar_name": pillar.name,
        "question_number": question.number if question is not None else None,
        "question": question.text if question is not None else "",
        "grade": grade,
        "grade_label": label,
        "change": Change(change).value if change else "",
        "source_url": (judgment.source_url if judgment is not None else "") or "",
        "page_url": page_url,
    }


def grade_rows(judgments, absolute, *, level="", grades=()):
    """Pillar judgments as download rows (inspections/rows.py), each pillar grade followed by its question
    grades, as in the download of every grade. ``level`` keeps only pillar or only question rows; ``grades``
    keeps rows whose grade, "not-graded" or "none" (no grade recorded) is one of them. Two queries."""
    wanted = set(grades)
    answers = defaultdict(list)
    if level != "pillar":
        published_answers = QuestionJudgment.objects.filter(pillar_judgment__in=judgments.values("pk"))
        for answer in published_answers.select_related("question").order_by("question__number"):
            answers[answer.pillar_judgment_id].append(answer)
    rows = []
    for judgment in judgments:
        assessment = judgment.assessment
        common = {"year": assessment.year, "force": assessment.force, "pillar": judgment.pillar}
        page = absolute(judgment.get_absolute_url())
        if level != "question" and (not wanted or grade_key(judgment) in wanted):
            rows.append(grade_row(**common, judgment=judgment, page_url=page))
        rows.extend(
            grade_row(**common, judgment=answer, question=answer.question, page_url=page)
            for answer in answers[judgment.pk]
            if not wanted or grade_key(answer) in wanted
        )
    return rows


class PagedGradeRows(Sequence):
    """The rows ``grade_rows()`` would make, built only for the slice asked for: what a page of the API needs.

    Each judgment's place among the rows is worked out first from two lists of small tuples (its grade, and
    its question grades), so that a page's rows come from its own judgments alone, not from every grade there
    is. Four queries for a page, however many grades are published."""

    def __init__(self, judgments, absolute, *, level="", grades=()):
        self.judgments, self.absolute, self.level, self.grades = judgments, absolute, level, grades
        wanted = set(grades)

        def shown(grade, not_graded=False):
            return not wanted or grade_key(_Grade(grade, not_graded)) in wanted

        questions = defaultdict(int)
        if level != "pillar":
            published = QuestionJudgment.objects.filter(pillar_judgment__in=judgments.values("pk")).order_by()
            for judgment, grade in published.values_list("pillar_judgment", "grade"):
                questions[judgment] += shown(grade)
        self.pks, self.ends, total = [], [], 0
        for pk, grade, not_graded in judgments.values_list("pk", "grade", "not_graded"):
            total += (level != "question" and shown(grade, not_graded)) + questions[pk]
            self.pks.append(pk)
            self.ends.append(total)  # the rows up to and including this judgment's

    def __len__(self):
        return self.ends[-1] if self.ends else 0

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[len(self) + index]
        start, stop, step = index.indices(len(self))
        if start >= stop:
            return []
        first = bisect.bisect_right(self.ends, start)  # the judgment holding row ``start``
        last = bisect.bisect_left(self.ends, stop)  # and the one holding row ``stop - 1``
        pks = self.pks[first : last + 1]
        skipped = self.ends[first - 1] if first else 0
        some = self.judgments.filter(pk__in=pks)
        rows = grade_rows(some, self.absolute, level=self.level, grades=self.grades)
        return rows[start - skipped : stop - skipped : step]


class _Grade(NamedTuple):
    grade: str
    not_graded: bool = False
