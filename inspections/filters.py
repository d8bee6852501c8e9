"""What a year's table shows, all from the query string, so that every view of it is a link to share.

``YearTableFilter`` narrows the forces (name and region, from ForceFilter) and carries the table's other
choices: pillar or question level, one pillar or area, grades, sort column, best or worst first, and grouping
by region. The page, its CSV and JSON downloads and the API read the same filter, so they agree row for row.
"""

import django_filters
from django import forms

from forces.filters import ForceFilter
from forces.widgets import GovukSelect

from .tables import NO_GRADE

LEVELS = [("pillar", "Pillars and areas"), ("question", "Questions")]
ORDERS = [("best", "Best grade first"), ("worst", "Worst grade first")]


def _keep(queryset, name, value):
    """For choices that shape the table rather than narrow the forces."""
    return queryset


def _shape(label, refusal, *, kind=django_filters.ChoiceFilter, widget=None, **kwargs):
    """A table choice: it keeps the forces as they are, and refuses a value not offered with ``refusal``."""
    widget = widget or GovukSelect()
    return kind(label=label, method=_keep, error_messages={"invalid_choice": refusal}, widget=widget, **kwargs)


class YearTableFilter(ForceFilter):
    level = _shape("Show grades for", "Choose pillars and areas, or questions", choices=LEVELS, empty_label=None)
    pillar = _shape("Pillar or area", "Choose a pillar or area from the list", empty_label="All")
    grade = _shape(
        "Forces with these grades",
        "Choose grades from the list",
        kind=django_filters.MultipleChoiceFilter,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )
    sort = _shape("Sort by", "Choose a column to sort by from the list", empty_label="Force name")
    order = _shape("Order", "Choose best or worst grade first", choices=ORDERS, empty_label=None)
    group = _shape("Group by region", "Choose whether to group by region", choices=[("region", "Group by region")])

    class Meta(ForceFilter.Meta):
        fields = ["q", "region", "level", "pillar", "grade", "sort", "order", "group"]

    def __init__(self, data=None, queryset=None, *, year, pillars, **kwargs):
        """``pillars`` are the year's, each with its questions as ``question_list``."""
        super().__init__(data, queryset, **kwargs)
        fields = self.form.fields
        fields["pillar"].choices = [("", "All")] + [(p.slug, p.name) for p in pillars if p.graded]
        grades = [(g.value, g.label) for g in year.allowed_grades]
        fields["grade"].choices = grades + [("not-graded", "Not graded"), (NO_GRADE, "No grade recorded")]
        sortable = [(p.slug, p.name) for p in pillars if p.graded]
        sortable += [
            (f"{p.slug}-q{q.number}", f"{p.name} question {q.number}") for p in pillars for q in p.question_list
        ]
        fields["sort"].choices = [("", "Force name")] + sortable

    def choice(self, name, default=""):
        """A table choice from the query string, or ``default`` when it is missing or was refused (the form
        then carries the error message)."""
        self.form.is_valid()
        return self.form.cleaned_data.get(name) or default
