"""How a grade and a change from the year before look on every page: a GOV.UK tag with the grade in words, and an
arrow with a word. The markup is made here once per kind of grade or change and kept, so a table with hundreds
of cells costs a lookup per cell, not a template per cell. Tables and judgments carry the result (a cell's
``tag``, a judgment's ``shown_grade``); a template showing a grade of its own uses the ``grade_tag`` tag
(peel/templatetags/peel.py).
"""

import functools

from django.utils.html import format_html

ARROWS = {"better": "↑", "worse": "↓", "same": "→"}
CHANGE_WORDS = {"better": "Better", "worse": "Worse", "same": "Same"}
# What the hidden words after the change say: "Better than the year before", "Same as the year before".
CHANGE_LINKS = {"same": "as", "not-comparable": "with"}


@functools.lru_cache(maxsize=256)
def grade_tag(grade, label):
    """A grade as a GOV.UK tag. ``grade`` is "outstanding", "good", "adequate", "requires-improvement",
    "inadequate" or empty; ``label`` is the words shown (the colour is never the only cue)."""
    return format_html(
        '<strong class="govuk-tag peel-grade peel-grade--{}">{}</strong>', grade or "none", label or "Not graded"
    )


@functools.lru_cache(maxsize=64)
def change_mark(change, label=""):
    """How a grade compares with the year before: "better", "same", "worse" or "not-comparable" (empty makes
    nothing). ``label`` is the word shown, a default word when empty. The arrow is hidden from screen readers,
    which hear for example "Better than the year before"."""
    if not change:
        return ""
    arrow = ""
    if change in ARROWS:
        arrow = format_html('<span class="peel-change__arrow" aria-hidden="true">{}</span> ', ARROWS[change])
    return format_html(
        '<span class="peel-change peel-change--{}">{}{}<span class="govuk-visually-hidden"> {} the year before</span>'
        "</span>",
        change,
        arrow,
        label or CHANGE_WORDS.get(change, "Not comparable"),
        CHANGE_LINKS.get(change, "than"),
    )


@functools.lru_cache(maxsize=512)
def grade_with_change(grade, label, change="", change_label=""):
    """A grade's tag followed by how it compares with the year before, when that is known."""
    tag = grade_tag(grade, label)
    return format_html("{} {}", tag, change_mark(change, change_label)) if change else tag
