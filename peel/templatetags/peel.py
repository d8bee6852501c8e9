from django import template

from forces import widgets
from forces.addresses import address as kept_address
from forces.charts import key_fact_bars as _key_fact_bars
from inspections import marks
from peel.markdown import render_markdown

register = template.Library()


@register.filter
def key_fact_bars(facts, force_name):
    """The chart of a force's key facts beside England and Wales's (forces/charts.py)."""
    return _key_fact_bars(facts, force_name)


@register.filter
def markdown(text):
    """Authored Markdown as sanitised HTML."""
    return render_markdown(text)


@register.simple_tag
def address(name):
    """``{% url name %}`` for a page that takes no arguments, worked out once per process (forces/addresses.py):
    the links every page's header and footer carry."""
    return kept_address(name)


@register.simple_tag
def grade_tag(grade, label):
    """A grade as a GOV.UK tag with its words: ``{% grade_tag judgment.grade_status.0 judgment.grade_status.1 %}``,
    or ``{% grade_tag "" "No grade recorded" %}`` (inspections/marks.py)."""
    return marks.grade_tag(grade, label)


@register.filter
def input_tag(option):
    """A checkbox's or radio button's ``<input>`` (``{% for option in form.field %}{{ option|input_tag }}``), as
    ``option.tag`` writes it but without rendering two templates for each (forces/widgets.py)."""
    return widgets.input_tag(option)


@register.filter
def form_group(bound_field):
    """A form field in GOV.UK Frontend's markup: its label, hint, error message and widget, the widget styled
    for an error and described by the hint and the error (forces/widgets.py)."""
    return widgets.form_group(bound_field)
