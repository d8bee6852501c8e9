from django import template

from peel.markdown import render_markdown

register = template.Library()

ERROR_CLASSES = {"govuk-input": "govuk-input--error", "govuk-select": "govuk-select--error"}


@register.filter
def markdown(text):
    """Authored Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def govuk_widget(bound_field):
    """A form field's widget with GOV.UK Frontend's error styling and hint/error descriptions wired up."""
    attrs = dict(bound_field.field.widget.attrs)
    described_by = [f"{bound_field.auto_id}-hint"] if bound_field.help_text else []
    if bound_field.errors:
        classes = attrs.get("class", "").split()
        attrs["class"] = " ".join(classes + [ERROR_CLASSES[c] for c in classes if c in ERROR_CLASSES])
        described_by.append(f"{bound_field.auto_id}-error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)
