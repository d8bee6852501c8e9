import django_filters
from django import forms

from .models import Force, Region


class ForceFilter(django_filters.FilterSet):
    """Narrow a list of forces by name and region; used wherever the public lists forces."""

    q = django_filters.CharFilter(
        label="Force name",
        method="search",
        max_length=100,
        error_messages={"max_length": "Force name must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        empty_label="All regions",
        error_messages={"invalid_choice": "Choose a region from the list"},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    class Meta:
        model = Force
        fields = ["q", "region"]

    def search(self, queryset, name, value):
        return queryset.search(value)
