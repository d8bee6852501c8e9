from django import template

from peel.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Authored Markdown as sanitised HTML."""
    return render_markdown(text)
