"""The widgets written out in Python write what Django's own widget templates write (the select, but for the
blank lines between its options)."""

import re

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from forces.widgets import GovukSelect, GovukTextInput, form_group

ATTRS = [{"class": "govuk-input govuk-!-width-two-thirds"}, {"class": 'a"<b', "required": True, "disabled": False}]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", 'Kent & <Medway> "quoted"', 5])
def test_the_text_input_is_djangos_own(attrs, value):
    expected = forms.TextInput(attrs=attrs).render("q", value, {"id": "id_q"})
    assert GovukTextInput(attrs=attrs).render("q", value, {"id": "id_q"}) == expected


@pytest.mark.parametrize("value", [None, "", "south-east", "<x>"])
def test_the_select_is_djangos_own_with_govuk_class(value):
    choices = [
        ("", "All regions"),
        ("south-east", "South East"),
        ("<x>", "A & B"),
        ("wales", gettext_lazy("Wales")),  # a lazy label is written as its text
        ("safe", mark_safe("<abbr>SE</abbr>")),  # noqa: S308 - safe HTML is written as it is, as Django does
        ("Grouped", [("north-east", "North East"), (7, "Seven")]),
    ]
    expected = forms.Select(attrs={"class": "govuk-select"}, choices=choices).render("region", value, {"id": "r"})
    written = GovukSelect(choices=choices).render("region", value, {"id": "r"})
    assert re.sub(r">\s+<", "><", written) == re.sub(r">\s+<", "><", expected)


class Search(forms.Form):
    q = forms.CharField(
        label="Force <name>",
        help_text="For example, Kent & Essex",
        max_length=3,
        widget=GovukTextInput(attrs={"class": "govuk-input"}),
    )
    region = forms.ChoiceField(choices=[("", "All"), ("wales", "Wales")], required=False, widget=GovukSelect())


def test_a_form_group_labels_its_field_and_ties_the_hint_to_it():
    written = form_group(Search()["q"])
    assert written.startswith('<div class="govuk-form-group">')
    assert '<label class="govuk-label" for="id_q">Force &lt;name&gt;</label>' in written
    assert '<div id="id_q-hint" class="govuk-hint">For example, Kent &amp; Essex</div>' in written
    assert 'aria-describedby="id_q-hint"' in written and "error" not in written


def test_a_form_group_in_error_says_why_and_marks_the_widget():
    form = Search({"q": "<too long>", "region": "nowhere"})
    written = form_group(form["q"])
    assert '<div class="govuk-form-group govuk-form-group--error">' in written
    assert '<p id="id_q-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span>' in written
    assert "at most 3 characters" in written
    assert 'class="govuk-input govuk-input--error"' in written
    assert 'aria-describedby="id_q-hint id_q-error"' in written and 'aria-invalid="true"' in written
    assert 'value="&lt;too long&gt;"' in written
    region = form_group(form["region"])
    assert 'class="govuk-select govuk-select--error"' in region and 'aria-describedby="id_region-error"' in region
