"""Checking an upload's grades against the database and saving them, as drafts, in one transaction.

Each row goes through the loader's own checks (Loader.judgment() and the Store's checks before saving), so
a file is refused here for just what the loader would refuse it for. Unlike a load, an import:

- creates every new assessment and pillar judgment as a draft;
- puts a published or scheduled pillar judgment back to draft when a row changes it or one of its question
  grades, so nothing an import brings in reaches the public site before it has been reviewed and approved.
  Taking a public grade down is a publisher's decision: for anyone else such a row is refused;
- records who made each change (``changed_by``), so that person cannot approve it alone;
- leaves an existing assessment alone (it does not fill its link to the inspectorate's report);
- keeps going after a bad row, so that every row's problem can be shown, and saves nothing unless every
  row is good.

A dry run does the same work as the real thing and then rolls it back, so what it shows is what saving
would do.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import DatabaseError, transaction

from inspections.loading.loader import Loader, judgment_key
from inspections.loading.values import inspectorate_pages
from inspections.models import Grade, PillarJudgment
from peel.publishing import LIVE_STATES, Status
from peel.publishing.roles import can_publish

CREATED, CHANGED, UNCHANGED, ERROR = "created", "changed", "unchanged", "error"
BACK_TO_DRAFT = {"status": Status.DRAFT, "publish_at": None, "approved_by": None}


@dataclass
class Outcome:
    """What an import does with one row: ``action`` is created, changed, unchanged or error."""

    line: int
    row: dict
    action: str
    before: str = ""
    after: str = ""
    source_changed: bool = False
    back_to_draft: bool = False
    reason: str = ""

    @property
    def grade_changed(self):
        return self.action == CHANGED and self.before != self.after


@dataclass
class Result:
    outcomes: list
    saved: bool
    new_assessments: int = 0
    stopped: bool = False  # the database refused a row, and the rows after it were not checked

    @property
    def counts(self):
        return Counter(outcome.action for outcome in self.outcomes)

    @property
    def errors(self):
        return [outcome for outcome in self.outcomes if outcome.action == ERROR]

    @property
    def back_to_draft(self):
        return sum(outcome.back_to_draft for outcome in self.outcomes)


def grade_words(grade, not_graded=False):
    """A judgment's grade as the page shows it."""
    if grade in Grade.values:
        return Grade(grade).label
    return "Not graded" if not_graded else "No grade"


class JudgmentImport(Loader):
    """The rows of one upload, checked and, when ``save`` is true and every row is good, saved."""

    def __init__(self, user=None):
        super().__init__(demo=False)
        # Who the rows are saved as; None (a command run by whoever runs the site) may do anything.
        self._who = {"changed_by": user} if user is not None else {}
        self._may_unpublish = user is None or can_publish(user, PillarJudgment)

    def run(self, rows, *, save):
        outcomes, stopped = [], False
        with transaction.atomic():
            self._stores()
            self._report_urls = inspectorate_pages(rows)
            self._new_assessments = 0
            self._made_for_questions = set()  # pillar judgments a question's row created before its pillar's row
            seen = {}
            for line, row in rows:
                try:
                    first = seen.setdefault(judgment_key(row), line)
                    if first != line:
                        raise ValueError(f"this grade repeats line {first}")
                    outcomes.append(self._import_row(line, row))
                except ValueError as error:
                    outcomes.append(Outcome(line, row, ERROR, reason=str(error)))
                except DatabaseError as error:  # what the checks before saving did not foresee
                    outcomes.append(Outcome(line, row, ERROR, reason=f"the database refused this row ({error})"))
                    stopped = True
                    break
            result = Result(outcomes, saved=False, new_assessments=self._new_assessments, stopped=stopped)
            result.saved = save and not result.errors
            if not result.saved:
                transaction.set_rollback(True)
        return result

    def _import_row(self, line, row):
        found = self.judgment(row)
        year, force, pillar, question = found.year, found.force, found.pillar, found.question
        assessment = self.assessments.get((force.pk, year.pk))
        if assessment is None:
            page = self._report_urls.get((year.slug, force.slug))
            assessment = self.assessments.upsert(
                (force.pk, year.pk),
                {"report_url": page} if page else {},
                on_create={"force": force, "year": year, "status": Status.DRAFT, **self._who},
            )
            self._new_assessments += 1
        key = (assessment.pk, pillar.pk)
        judgment = self.pillar_judgments.get(key)
        new_judgment = {"assessment": assessment, "pillar": pillar, "status": Status.DRAFT}
        if question is None:
            made_here = key in self._made_for_questions
            outcome = self._compare(line, row, None if made_here else judgment, found.pillar_values)
            outcome.back_to_draft = self._takes_down(judgment, outcome)
            values = found.pillar_values | (BACK_TO_DRAFT if outcome.back_to_draft else {})
            if outcome.action != UNCHANGED or judgment is None:
                values |= self._who
            self._upsert(self.pillar_judgments, key, values, new_judgment)
            return outcome
        # A question's row may come first: it makes an ungraded judgment that the pillar's row then grades.
        if judgment is None:
            judgment = self.pillar_judgments.upsert(key, dict(self._who), on_create=new_judgment)
            self._made_for_questions.add(key)
        answer_key = (judgment.pk, question.pk)
        outcome = self._compare(line, row, self.question_judgments.get(answer_key), found.question_values)
        outcome.back_to_draft = self._takes_down(judgment, outcome)
        self._upsert(
            self.question_judgments,
            answer_key,
            found.question_values,
            {"pillar_judgment": judgment, "question": question},
        )
        if outcome.back_to_draft:
            self._upsert(self.pillar_judgments, key, BACK_TO_DRAFT | self._who, new_judgment)
        return outcome

    def _takes_down(self, judgment, outcome):
        """Whether the row changes an approved judgment, which then goes back to draft; refused (as a
        ValueError, shown against the row) for someone who may not take a public grade down."""
        if judgment is None or outcome.action == UNCHANGED or judgment.status not in LIVE_STATES:
            return False
        if not self._may_unpublish:
            raise ValueError(
                "this changes a published or scheduled grade, which would take it off the site until it is "
                "approved again: only a publisher can import that"
            )
        return True

    @staticmethod
    def _compare(line, row, current, values):
        after = grade_words(values["grade"], values.get("not_graded", False))
        if current is None:
            return Outcome(line, row, CREATED, after=after)
        before = grade_words(current.grade, getattr(current, "not_graded", False))
        changed = any(getattr(current, name) != value for name, value in values.items())
        return Outcome(
            line,
            row,
            CHANGED if changed else UNCHANGED,
            before=before,
            after=after,
            source_changed=current.source_url != values["source_url"],
        )

    @staticmethod
    def _upsert(store, key, values, on_create):
        """Store.upsert(), putting an existing row back as it was when its new values fail the checks, so a
        later row is checked against what is saved rather than against a refused row's values."""
        current = store.get(key)
        saved = {name: getattr(current, name) for name in values} if current is not None else {}
        try:
            return store.upsert(key, values, on_create=on_create)
        except ValueError:
            for name, value in saved.items():
                setattr(current, name, value)
            raise
