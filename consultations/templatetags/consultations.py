"""Dates and times as a person reads them in the UK: "9am on Monday 30 September 2024"."""

import zoneinfo

from django import template
from django.utils import timezone

from consultations.forms import options

register = template.Library()

LONDON = zoneinfo.ZoneInfo("Europe/London")


def time_of_day(moment):
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@register.filter
def day(value):
    """A date (or the UK date of a moment) as "Monday 30 September 2024"."""
    if value is None or value == "":
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value, LONDON)
    return f"{value:%A} {value.day} {value:%B %Y}"


@register.filter
def when(value):
    """A moment in UK time as "9am on Monday 30 September 2024"."""
    if value is None or value == "":
        return ""
    local = timezone.localtime(value, LONDON)
    return f"{time_of_day(local)} on {day(local)}"


@register.filter
def govuk_options(bound_field):
    """A choice field's radios or checkboxes, each with its id, value, label and whether it is checked."""
    return options(bound_field)
