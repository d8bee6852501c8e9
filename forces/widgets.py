"""Form widgets written out in Python rather than through Django's widget templates, which render two
templates for each choice of a list: on a page with several long lists that costs more than the rest of its
form. The markup is the same as Django's own."""

from django import forms
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe


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
        html = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group, options, _ in widget["optgroups"]:
            if group:
                html.append(f'\n  <optgroup label="{escape(group)}">')
            for option in options:
                value, label = escape(option["value"]), escape(option["label"])
                html.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>')
            if group:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value in it is escaped above


class GovukTextInput(forms.TextInput):
    """A text input, written out as Django's widget template writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        kind, name = escape(widget["type"]), escape(widget["name"])
        html = f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'
        return mark_safe(html)  # noqa: S308 - every value in it is escaped above


def input_tag(option):
    """A checkbox's or radio button's ``<input>``, from iterating a bound field of a CheckboxSelectMultiple or
    RadioSelect, as ``option.tag`` writes it."""
    data = option.data
    value = "" if data["value"] is None else f' value="{escape(data["value"])}"'
    html = f'<input type="{escape(data["type"])}" name="{escape(data["name"])}"{value}{_attrs(data["attrs"])}>'
    return mark_safe(html)  # noqa: S308 - every value in it is escaped above
