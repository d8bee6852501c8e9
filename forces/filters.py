import copy

import django_filters
from django import forms

from .models import Force, Region
from .widgets import GovukSelect, GovukTextInput


class CopiedFilters(dict):
    """A filter class's filters, copied for each filter as django-filter copies them (``copy.deepcopy``), but
    one level deep: a deep copy walked each filter's widget, choices and messages on every request (a tenth of a
    year's table), though a filter's own attributes are all a request changes (``model``, ``parent``). A filter
    that calls a method gets a new ``FilterMethod``, bound to the copy and so to the copy's parent."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, original in self.items():
            copies[name] = copy.copy(original)
            if original.method is not None:
                copies[name].method = original.method
        return copies


class ForceFilter(django_filters.FilterSet):
    """Narrow a list of forces by name and region; used wherever the public lists forces."""

    q = django_filters.CharFilter(
        label="Force name",
        method="search",
        max_length=100,
        error_messages={"max_length": "Force name must be 100 characters or fewer"},
        widget=GovukTextInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        empty_label="All regions",
        error_messages={"invalid_choice": "Choose a region from the list"},
        widget=GovukSelect(),
    )

    class Meta:
        model = Force
        fields = ["q", "region"]

    def __init__(self, data=None, queryset=None, *, regions=None, **kwargs):
        """``regions``, when given (a list of every region, in order), are the choices the region field shows,
        so that showing the form makes no query of its own: a page passes them; the API, which shows no form,
        need not. The field still checks a chosen region against the database."""
        super().__init__(data, queryset, **kwargs)
        if regions is not None:
            field = self.form.fields["region"]
            field.widget.choices = [("", field.empty_label)] + [(region.slug, str(region)) for region in regions]

    @classmethod
    def get_filters(cls):
        return CopiedFilters(super().get_filters())

    def get_form_class(self):
        """The form class, made once per filter class rather than on every request: its fields depend only on
        the class's filters (choices that vary are set on each form's own copy of its fields, as above)."""
        kind = type(self)
        if "_form_class" not in kind.__dict__:
            kind._form_class = super().get_form_class()
        return kind._form_class

    def forces(self, every):
        """The forces this filter keeps, as a list: ``every()`` (every force, in the order wanted, as
        ``forces.reference.forces`` keeps them) when no name or region narrows them; else read through ``qs``."""
        self.form.is_valid()
        if any(self.form.cleaned_data.get(name) for name in ("q", "region")):
            return list(self.qs)
        return every()

    def search(self, queryset, name, value):
        return queryset.search(value)


class YearChoiceForm(forms.Form):
    """Which PEEL year's grades a list of forces shows: a published year's slug, the default year when none
    is given, and the default with an error message when the slug is not one of them."""

    year = forms.ChoiceField(
        label="Show grades for",
        error_messages={"invalid_choice": "Choose a PEEL year from the list"},
        widget=GovukSelect(),
    )

    def __init__(self, data, *, years, default):
        self.years = {year.slug: year for year in years}
        self.default = default
        if default and not data.get("year"):
            data = data.copy()
            data["year"] = default.slug
        super().__init__(data)
        self.fields["year"].choices = [(year.slug, year.title) for year in years]

    @property
    def chosen(self):
        """The year to show: the one asked for when it is valid, else the default."""
        if self.is_valid():
            return self.years[self.cleaned_data["year"]]
        return self.default
