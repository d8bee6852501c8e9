"""Keyboard checks in a Playwright page: start from the top, Tab through everything, and see the focus."""

from dataclasses import dataclass, field

# What should be reachable with Tab: the brief's list plus <summary> (GOV.UK's details component).
FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])'


def from_the_top(page):
    """Start keyboard navigation at the top of the document.

    A page with errors has already moved focus to its error summary (GOV.UK Frontend's ErrorSummary does
    that on load, as it should); to start from the top again, focus an unfocusable-by-Tab marker placed
    first in <body>, as a reader who goes back to the top would be."""
    page.evaluate(
        """() => {
          if (document.activeElement === document.body) return;
          const start = document.createElement('span');
          start.tabIndex = -1;
          document.body.prepend(start);
          start.focus();
        }"""
    )


@dataclass
class TabResult:
    order: list = field(default_factory=list)  # each reached element, described, in Tab order
    missed: list = field(default_factory=list)  # visible interactive elements Tab never reached
    no_indicator: list = field(default_factory=list)  # reached elements that showed no visible focus


_FOCUS_TOOLS = """(selector) => {
  // What a focus indicator can change: outline, box-shadow or background, on the element, its ::before
  // and ::after, and (for GOV.UK's checkboxes and radios, whose input is invisible) its labels' pseudos.
  const parts = (el) => {
    const list = [[el, null], [el, '::before'], [el, '::after']];
    for (const label of el.labels || []) list.push([label, '::before'], [label, '::after']);
    return list;
  };
  const transparent = (colour) => colour === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(colour);
  const look = (el) => parts(el).map(([node, pseudo]) => {
    const s = getComputedStyle(node, pseudo);
    return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent(s.outlineColor)
              ? `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : 'none',
            shadow: s.boxShadow, background: s.backgroundColor};
  });
  const describe = (el) => {
    const text = (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().replace(/\\s+/g, ' ');
    const id = el.id ? `#${el.id}` : '';
    const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text.slice(0, 50)}"`;
  };
  const indicator = (el) => {
    // Styles the focus changed in a way people can see, or null. An invisible element (GOV.UK's
    // checkbox inputs have opacity 0) cannot show its own focus ring: only its labels count then.
    const before = window.__peelFocus.unfocused.get(el);
    const now = look(el);
    const names = ['', '::before', '::after', 'label::before', 'label::after'];
    const changes = [];
    const first = parseFloat(getComputedStyle(el).opacity) === 0 ? 1 : 0;
    for (let i = first; i < now.length; i++) {
      const was = before ? before[i] : {outline: 'none', shadow: 'none', background: null};
      const part = names[Math.min(i, 4)];
      if (now[i].outline !== 'none' && (i === 0 || now[i].outline !== was.outline))
        changes.push(`${part} outline ${now[i].outline}`);
      if (now[i].shadow !== 'none' && now[i].shadow !== was.shadow) changes.push(`${part} box-shadow ${now[i].shadow}`);
      if (was.background !== null && now[i].background !== was.background)
        changes.push(`${part} background ${was.background} -> ${now[i].background}`);
    }
    return changes.length ? changes.join('; ') : null;
  };
  const candidates = [...document.querySelectorAll(selector)].filter((el) =>
    !el.disabled && el.type !== 'hidden' && el.getClientRects().length > 0
    && el.checkVisibility({visibilityProperty: true}) && !el.closest('[inert]'));
  const unfocused = new Map(candidates.map((el) => [el, look(el)]));
  window.__peelFocus = {candidates, unfocused, look, describe, indicator};
  return candidates.length;
}"""

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const tools = window.__peelFocus;
  return {index: tools.candidates.indexOf(el), describe: tools.describe(el), indicator: tools.indicator(el)};
}"""

_MISSED = """(reached) => window.__peelFocus.candidates
  .map((el, index) => [index, el]).filter(([index]) => !reached.includes(index))
  .map(([, el]) => window.__peelFocus.describe(el))"""


def tab_through(page, selector=FOCUSABLE):
    """Press Tab from the top (at most once per candidate, plus 5) and report what was reached and how it showed."""
    from_the_top(page)
    count = page.evaluate(_FOCUS_TOOLS, selector)
    result = TabResult()
    reached = set()
    for _ in range(count + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:  # past the last element, out of the document
            break
        key = focused["index"] if focused["index"] >= 0 else focused["describe"]
        if key in reached:  # wrapped round to the start
            break
        reached.add(key)
        result.order.append(focused["describe"])
        if not focused["indicator"]:
            result.no_indicator.append(focused["describe"])
    result.missed = page.evaluate(_MISSED, [key for key in reached if isinstance(key, int)])
    return result
