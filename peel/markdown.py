"""Markdown for authored text, rendered once and sanitised.

Editors write observations and summaries in Markdown. Whatever they type, including raw HTML pasted from a
word processor, the page only ever receives the short list of tags below: no scripts, styles, frames,
event handlers or javascript: links.
"""

import functools

import markdown as md
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "h3",
    "h4",
    "code",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}

# GOV.UK Frontend styles content through classes, so each tag gets its class after sanitising.
CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
}


# Texts longer than this are rendered afresh each time rather than kept: every authored field is far shorter,
# so only an unusually long admin preview misses the cache, and the cache's size stays small.
LONGEST_CACHED = 20_000


def render_markdown(text):
    """Turn authored Markdown into safe HTML with GOV.UK Frontend classes.

    Each distinct text is rendered once per process and then read from a cache keyed by the text itself, so an
    edited text is simply a new key and nothing ever needs clearing."""
    if not text:
        return mark_safe("")
    if len(text) > LONGEST_CACHED:
        return _render(text)
    return _render_cached(text)


def _render(text):
    html = md.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={tag: {"class": css} for tag, css in CLASSES.items()},
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


# A pure function of the text, returning an immutable SafeString: safe to share between requests and threads.
_render_cached = functools.lru_cache(maxsize=4096)(_render)
