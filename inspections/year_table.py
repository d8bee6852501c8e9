"""Everything a year's table shows, read once from the database for the page, its downloads and the API."""

from django.db.models import Prefetch
from django.utils.functional import cached_property

from forces.models import Force

from .filters import YearTableFilter
from .models import Assessment, PillarJudgment, QuestionJudgment
from .rows import grade_row
from .tables import columns_for, grade_key, grade_summary, year_rows


class YearTable:
    """A published year's table for a query string: its columns, its rows (forces with a grade recorded in
    one of its columns), the forces with none, and a summary of the grades per column. Six queries."""

    def __init__(self, data, year):
        self.year = year
        self.pillars = list(year.pillars.prefetch_related("questions"))
        self.filter = YearTableFilter(data, Force.objects.select_related("region"), year=year, pillars=self.pillars)
        self.level = self.filter.choice("level", "pillar")
        self.sort = self.filter.choice("sort")
        self.worst_first = self.filter.choice("order", "best") == "worst"
        self.by_region = self.filter.choice("group") == "region"
        self.grades = self.filter.choice("grade", [])
        self.columns = columns_for(self.pillars, level=self.level, only=self.filter.choice("pillar"))

    @cached_property
    def _all_rows(self):
        judgments = PillarJudgment.objects.all()
        if self.level == "question":
            answers = QuestionJudgment.objects.select_related("question")
            judgments = judgments.prefetch_related(Prefetch("question_judgments", queryset=answers))
        assessments = Assessment.objects.published().for_year(self.year).with_grades(judgments).by_force()
        return year_rows(
            self.filter.qs,
            assessments,
            self.columns,
            sort=self.sort,
            worst_first=self.worst_first,
            by_region=self.by_region,
        )

    @cached_property
    def rows(self):
        """The table's rows: forces with a grade recorded here, narrowed to the chosen grades."""
        rows = [row for row in self._all_rows if row.recorded]
        if self.grades:
            wanted = set(self.grades)
            rows = [row for row in rows if any(grade_key(judgment) in wanted for _, judgment in row.cells)]
        return rows

    @cached_property
    def forces_without_grades(self):
        return [row.force for row in self._all_rows if not row.recorded]

    @property
    def grade_labels(self):
        """The chosen grades in words, in the scale's order."""
        return [label.lower() for value, label in self.filter.form.fields["grade"].choices if value in self.grades]

    @property
    def force_total(self):
        return len(self._all_rows)

    @property
    def recorded_force_count(self):
        return self.force_total - len(self.forces_without_grades)

    @property
    def complete_count(self):
        return sum(1 for row in self.rows if not row.missing)

    @property
    def has_question_grades(self):
        return any(q.graded for p in self.pillars for q in p.questions.all())

    @property
    def ungraded_pillars(self):
        return [p for p in self.pillars if not p.graded]

    @property
    def sort_column(self):
        return next((column for column in self.columns if column.key == self.sort), None)

    @cached_property
    def summary(self):
        return grade_summary(self.rows, self.columns, self.year.allowed_grades)

    def download_rows(self, absolute):
        """One row per cell of the table, in the table's order; ``absolute`` makes a path a full address."""
        out = []
        for row in self.rows:
            page = absolute(row.assessment.get_absolute_url()) if row.assessment else ""
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
