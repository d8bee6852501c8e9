"""The widgets written out in Python write what Django's own widget templates write (the select, but for the
blank lines between its options)."""

import re

import pytest
from django import forms

from forces.widgets import GovukSelect, GovukTextInput

ATTRS = [{"class": "govuk-input govuk-!-width-two-thirds"}, {"class": 'a"<b', "required": True, "disabled": False}]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", 'Kent & <Medway> "quoted"', 5])
def test_the_text_input_is_djangos_own(attrs, value):
    expected = forms.TextInput(attrs=attrs).render("q", value, {"id": "id_q"})
    assert GovukTextInput(attrs=attrs).render("q", value, {"id": "id_q"}) == expected


@pytest.mark.parametrize("value", [None, "", "south-east", "<x>"])
def test_the_select_is_djangos_own_with_govuk_class(value):
    choices = [("", "All regions"), ("south-east", "South East"), ("<x>", "A & B")]
    expected = forms.Select(attrs={"class": "govuk-select"}, choices=choices).render("region", value, {"id": "r"})
    written = GovukSelect(choices=choices).render("region", value, {"id": "r"})
    assert re.sub(r">\s+<", "><", written) == re.sub(r">\s+<", "><", expected)
