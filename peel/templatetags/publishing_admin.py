"""Template tags for the staff admin, after ``{% load publishing_admin %}``:

- ``{% publishing_dashboard as board %}``: what awaits the person signed in (``peel.publishing.dashboard``);
- ``{% publishing_warnings original as warnings %}``: the sentences of ``peel.publishing.warnings.warnings_for``.
"""

from django import template

from peel.publishing.dashboard import dashboard
from peel.publishing.warnings import warnings_for

register = template.Library()


@register.simple_tag(takes_context=True)
def publishing_dashboard(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return None
    return dashboard(user)


@register.simple_tag(takes_context=True)
def publishing_warnings(context, obj):
    """The warnings for ``obj``: those the view put in the context as ``publishing_warnings``, if it did,
    else worked out here."""
    given = context.get("publishing_warnings")
    if given is not None:
        return given
    return warnings_for(obj)
