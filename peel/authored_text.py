"""Text staff write holds no control characters, as the data files (``inspections.loading.values.check_text``) and
the consultation response form already ensure for theirs.

A control character pasted into a name (a word processor's manual line break is U+000B) shows as nothing on a
page but cannot be written in XML at all: the Atom feed of assessments failed with a 500 for as long as a force's
short name, a year's title, a pillar's name or a change note held one. Tabs and new lines are text.
"""

import unicodedata
from functools import partial

from django import forms
from django.core.exceptions import ValidationError

ALLOWED_CONTROLS = "\t\n\r"


def refuse_control_characters(value):
    """A validator naming the first control character in ``value`` other than a tab or new line. (A NUL byte is
    left to Django's own ProhibitNullCharactersValidator, which every CharField has, so it is named once.)"""
    for character in str(value):
        if unicodedata.category(character) == "Cc" and character not in ALLOWED_CONTROLS + "\x00":
            raise ValidationError(
                "This contains a character that cannot be saved (U+%(code)04X): remove it.",
                code="control_character",
                params={"code": ord(character)},
            )


def _refusing_control_characters(formfield_for_dbfield, db_field, request, **kwargs):
    field = formfield_for_dbfield(db_field, request, **kwargs)
    if isinstance(field, forms.CharField):
        field.validators.append(refuse_control_characters)
    return field


class AuthoredTextAdminMixin:
    """For a ModelAdmin: every text field of its change form, and of its inlines' forms, refuses control
    characters with a message at the field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _refusing_control_characters(super().formfield_for_dbfield, db_field, request, **kwargs)

    def get_formsets_with_inlines(self, request, obj=None):
        for inline in self.get_inline_instances(request, obj):
            callback = partial(_refusing_control_characters, inline.formfield_for_dbfield, request=request)
            yield inline.get_formset(request, obj, formfield_callback=callback), inline
