"""The chart beside a force's key facts: for each fact with a national figure, a bar for the force and one for
England and Wales on the same scale (``KeyFact.bars``). Drawn here rather than in a template, as the year
tables' bars are: a template's work for every bar of every fact costs more than the rest of the section."""

from html import escape

from django.utils.safestring import mark_safe


def _bar(who, kind, bar, diverging, value):
    svg_class = "peel-bars__svg peel-bars__svg--diverging" if diverging else "peel-bars__svg"
    return (
        f'<div class="peel-bars__row"><span class="peel-bars__who">{escape(who)}</span>'
        f'<svg class="{svg_class}" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">'
        f'<rect class="peel-bars__bar peel-bars__bar--{kind}" x="{bar["x"]}" y="0" width="{bar["width"]}" height="10"/>'
        f'</svg><span class="peel-bars__value">{escape(value)}</span></div>'
    )


def key_fact_bars(facts, force_name):
    """Each fact's pair of bars, named and with its figures in words beside them; a fact with no national
    figure has none. Every value is escaped, and every position is a number."""
    measures = []
    for fact in facts:
        bars = fact.bars
        if not bars:
            continue
        diverging = bars["diverging"]
        measures.append(
            f'<div class="peel-bars__measure"><p class="peel-bars__name">{escape(str(fact.measure_label))}</p>'
            + _bar(force_name, "local", bars["local"], diverging, fact.display_value)
            + _bar("England and Wales", "national", bars["national"], diverging, fact.display_national_value)
            + "</div>"
        )
    return mark_safe("".join(measures))  # noqa: S308 - escaped above
