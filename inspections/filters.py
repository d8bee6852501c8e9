"""What a year's table shows, all from the query string, so that every view of it is a link to share.

``YearTableFilter`` narrows the forces (name and region, from ForceFilter) and carries the table's other
choices: pillar or question level, one pillar or area, grades, sort column, best or worst first, and grouping
by region. The page, its CSV and JSON downloads and the API read the same filter, so they agree row for row.
"""

import django_filters
from django import forms

from forces.filters import ForceFilter

from .tables import NO_GRADE

LEVELS = [("pillar", "Pillars and areas"), ("question", "Questions")]
ORDERS = [("best", "Best grade first"), ("worst", "Worst grade first")]


def _keep(queryset, name, value):
    """For choices that shape the table rather than narrow the forces."""
    return queryset


class YearTableFilter(ForceFilter):
    level = django_filters.ChoiceFilter(
        label="Show grades for",
        choices=LEVELS,
        method=_keep,
        empty_label=None,
        error_messages={"invalid_choice": "Choose pillars and areas, or questions"},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    pillar = django_filters.ChoiceFilter(
        label="Pillar or area",
        method=_keep,
        empty_label="All",
        error_messages={"invalid_choice": "Choose a pillar or area from the list"},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    grade = django_filters.MultipleChoiceFilter(
        label="Forces with these grades",
        method=_keep,
        error_messages={"invalid_choice": "Choose grades from the list"},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        method=_keep,
        empty_label="Force name",
        error_messages={"invalid_choice": "Choose a column to sort by from the list"},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    order = django_filters.ChoiceFilter(
        label="Order",
        choices=ORDERS,
        method=_keep,
        empty_label=None,
        error_messages={"invalid_choice": "Choose best or worst grade first"},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    group = django_filters.ChoiceFilter(
        label="Group by region",
        choices=[("region", "Group by region")],
        method=_keep,
        error_messages={"invalid_choice": "Choose whether to group by region"},
    )

    class Meta(ForceFilter.Meta):
        fields = ["q", "region", "level", "pillar", "grade", "sort", "order", "group"]

    def __init__(self, data=None, queryset=None, *, year, pillars, **kwargs):
        super().__init__(data, queryset, **kwargs)
        fields = self.form.fields
        fields["pillar"].choices = [("", "All")] + [(p.slug, p.name) for p in pillars if p.graded]
        grades = [(g.value, g.label) for g in year.allowed_grades]
        fields["grade"].choices = grades + [("not-graded", "Not graded"), (NO_GRADE, "No grade recorded")]
        sortable = [(p.slug, p.name) for p in pillars if p.graded]
        sortable += [
            (f"{p.slug}-q{q.number}", f"{p.name} question {q.number}") for p in pillars for q in p.questions.all()
        ]
        fields["sort"].choices = [("", "Force name")] + sortable

    def choice(self, name, default=""):
        """A table choice from the query string, or ``default`` when it is missing or was refused (the form
        then carries the error message)."""
        self.form.is_valid()
        return self.form.cleaned_data.get(name) or default
