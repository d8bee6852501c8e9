"""Form widgets written out in Python rather than through Django's widget templates, which render two
templates for each choice of a list: on a page with several long lists that costs more than the rest of its
form. The markup is the same as Django's own."""

import html

from django import forms
from django.utils.safestring import mark_safe


def escape(value):
    """What Django's ``conditional_escape`` makes of a value (safe HTML as it is, anything else escaped as text),
    without the check for lazy arguments it makes on every call: a widget escapes each of its options' values and
    labels, and that check cost more than the escaping."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs):
    """HTML attributes as Django's widget templates write them: in order, True as a bare name, False left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class GovukSelect(forms.Select):
    """A select with GOV.UK Frontend's class."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "govuk-select"} | (attrs or {}), choices)

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group, options, _ in widget["optgroups"]:
            if group:
                parts.append(f'\n  <optgroup label="{escape(group)}">')
            for option in options:
                value, label = escape(option["value"]), escape(option["label"])
                parts.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>')
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value in it is escaped above


class GovukTextInput(forms.TextInput):
    """A text input, written out as Django's widget template writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        kind, name = escape(widget["type"]), escape(widget["name"])
        tag = f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'
        return mark_safe(tag)  # noqa: S308 - every value in it is escaped above


def input_tag(option):
    """A checkbox's or radio button's ``<input>``, from iterating a bound field of a CheckboxSelectMultiple or
    RadioSelect, as ``option.tag`` writes it."""
    data = option.data
    value = "" if data["value"] is None else f' value="{escape(data["value"])}"'
    tag = f'<input type="{escape(data["type"])}" name="{escape(data["name"])}"{value}{_attrs(data["attrs"])}>'
    return mark_safe(tag)  # noqa: S308 - every value in it is escaped above


ERROR_CLASSES = {"govuk-input": "govuk-input--error", "govuk-select": "govuk-select--error"}


def form_group(field):
    """A bound form field in GOV.UK Frontend's markup: the group, its label, hint and error message, and the
    widget with the error's class and ``aria-describedby`` naming the hint and the error. Written here rather than
    in an included template: a year's table shows six of them."""
    name, errors = escape(field.auto_id), field.errors
    attrs = dict(field.field.widget.attrs)
    described_by = [f"{field.auto_id}-hint"] if field.help_text else []
    parts = [f'<div class="govuk-form-group{" govuk-form-group--error" if errors else ""}">']
    parts.append(f'\n  <label class="govuk-label" for="{name}">{escape(field.label)}</label>')
    if field.help_text:
        parts.append(f'\n  <div id="{name}-hint" class="govuk-hint">{escape(field.help_text)}</div>')
    if errors:
        classes = attrs.get("class", "").split()
        attrs["class"] = " ".join(classes + [ERROR_CLASSES[c] for c in classes if c in ERROR_CLASSES])
        described_by.append(f"{field.auto_id}-error")
        message = " ".join(escape(error) for error in errors)
        parts.append(
            f'\n  <p id="{name}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {message}</p>'
        )
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    parts.append(f"\n  {field.as_widget(attrs=attrs)}\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value in it is escaped above, the widget by itself
