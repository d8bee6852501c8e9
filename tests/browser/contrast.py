"""Text contrast for every glyph a page shows, checked in the browser (WCAG 2.2 success criterion 1.4.3).

axe-core's colour-contrast rule leaves out text hidden from assistive technology (`aria-hidden`), text drawn by
pseudo-elements and a few other cases, yet all of it is still seen. This walks every visible glyph instead: each
text node with visible, non-whitespace text, each pseudo-element with text `content`, each list marker, each
form control's shown value or placeholder. For each it takes the computed text colour and the background it is
drawn on, found by walking up the element's ancestors and compositing their background colours and `opacity`
(a group opacity is applied as the browser does: the group's result blended with what is behind it). A
background image or gradient, a filter or a blend mode makes the background unknown: that is reported rather
than guessed.

Required: 4.5:1, or 3:1 for large text (24 CSS px and up, or 18.66 px and up when bold).
Text that is visually hidden (GOV.UK's `.govuk-visually-hidden` and anything clipped to nothing the same way),
`display: none`, `visibility: hidden`, `opacity: 0` or of zero size shows no glyph and is not checked.
"""

# Returns {"failures": [...], "unknown": [...], "checked": n}. Each failure or unknown is a dict with path,
# text, kind (text, ::before, ::after, marker, value, placeholder), fg and bg (rgb() strings, composited),
# ratio, required, font (size and weight) and, for unknown, why.
_CHECK = r"""() => {
  const HIDDEN_CLASSES = '.govuk-visually-hidden, .govuk-visually-hidden-focusable';
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const parsed = new Map();

  // A computed CSS colour as [r, g, b, a] with r, g, b in 0..255 and a in 0..1.
  function parse(value) {
    if (parsed.has(value)) return parsed.get(value);
    let rgba = null;
    const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(value);
    if (m) {
      let a = m[4] === undefined ? 1 : parseFloat(m[4]);
      if (m[5] === '%') a /= 100;
      rgba = [parseFloat(m[1]), parseFloat(m[2]), parseFloat(m[3]), a];
    } else if (value === 'transparent') {
      rgba = [0, 0, 0, 0];
    } else {
      // Any other colour syntax (color(), oklch(), ...): let the browser paint one pixel of it.
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = value;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      rgba = a ? [r * 255 / a, g * 255 / a, b * 255 / a, a / 255] : [0, 0, 0, 0];
    }
    parsed.set(value, rgba);
    return rgba;
  }

  // Source-over: colour `top` (with alpha) on the opaque colour `under`.
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const mix = (under, result, amount) => [0, 1, 2].map((i) => under[i] * (1 - amount) + result[i] * amount)
    .concat(1);

  function luminance([r, g, b]) {
    const lin = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  }
  function ratio(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }
  const show = ([r, g, b]) => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;

  function describe(el) {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && parts.length < 5; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) { parts.unshift(`${part}#${node.id}`); break; }
      const classes = [...node.classList].filter((c) => !c.startsWith('govuk-!-')).slice(0, 3);
      if (classes.length) part += '.' + classes.join('.');
      parts.unshift(part);
      if (node.tagName === 'MAIN' || node.tagName === 'BODY') break;
    }
    return parts.join(' > ');
  }

  // Clipped to nothing the way GOV.UK's visually-hidden helpers do it: a 1 px box with clip or clip-path.
  function clippedAway(el) {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      const clipped = style.clip === 'rect(0px, 0px, 0px, 0px)' || /^inset\(50%/.test(style.clipPath);
      if (clipped) {
        const box = node.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) return true;
      }
    }
    return false;
  }

  function visibleElement(el) {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    return !el.closest(HIDDEN_CLASSES) && !clippedAway(el);
  }

  // The opaque colours a glyph's pixels and the pixels beside it end up as: {fg, bg, unknown}, where
  // unknown says why the background cannot be known ('' when it can). `paint` is the text colour and `own`
  // an extra innermost layer (a pseudo-element's background and opacity), or null. `area` is the box the
  // glyphs take (null when unknown): a background that covers only part of it leaves the rest on whatever
  // is behind, so that is reported as unknown too.
  // SVG text is drawn over sibling shapes, not inside a box with a background: the fill of the topmost shape
  // of the same drawing under the middle of the text is the colour behind it (null when there is none).
  function shapeUnder(el, area) {
    const drawing = el.ownerSVGElement;
    if (!drawing) return null;
    const x = (area.left + area.right) / 2, y = (area.top + area.bottom) / 2;
    // SVG paints in document order, so the last shape before the text that covers the point is on top.
    const shapes = [...drawing.querySelectorAll('rect, circle, ellipse, path, polygon')]
      .filter((shape) => shape.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
      .reverse();
    for (const under of shapes) {
      const box = under.getBoundingClientRect();
      if (x < box.left || x > box.right || y < box.top || y > box.bottom) continue;
      const style = getComputedStyle(under);
      const fill = parse(style.fill);
      if (!fill || fill[3] === 0) continue;
      return {node: under, bg: fill, opacity: parseFloat(style.opacity) * parseFloat(style.fillOpacity || '1')};
    }
    return null;
  }

  function colours(el, paint, own, area) {
    const chain = [];
    let unknown = '';
    const ownHidesTheRest = own && own.bg[3] >= 1 && own.opacity >= 1;
    for (let node = el; node && node.nodeType === 1 && !ownHidesTheRest; node = node.parentElement) {
      const style = getComputedStyle(node);
      const bg = node instanceof SVGElement && node.tagName.toLowerCase() !== 'svg'
        ? [0, 0, 0, 0] : parse(style.backgroundColor);
      const layer = {node, bg, opacity: parseFloat(style.opacity)};
      chain.push(layer);
      if (!unknown && style.backgroundImage !== 'none') {
        unknown = `background-image on ${describe(node)}: ${style.backgroundImage.slice(0, 80)}`;
      }
      if (!unknown && style.filter !== 'none') unknown = `filter on ${describe(node)}: ${style.filter}`;
      if (!unknown && style.backdropFilter && style.backdropFilter !== 'none') {
        unknown = `backdrop-filter on ${describe(node)}`;
      }
      if (!unknown && style.mixBlendMode !== 'normal') {
        unknown = `mix-blend-mode on ${describe(node)}: ${style.mixBlendMode}`;
      }
      if (!unknown && area && bg[3] > 0 && node !== document.documentElement && node !== document.body) {
        const box = node.getBoundingClientRect();
        if (area.left < box.left - 1 || area.right > box.right + 1 || area.top < box.top - 1
            || area.bottom > box.bottom + 1) {
          unknown = `text runs out of the background of ${describe(node)}`;
        }
      }
      // An opaque background with nothing see-through in front of it hides everything further up.
      if (bg[3] >= 1 && chain.every((l) => l.opacity >= 1) && (!own || own.opacity >= 1)) break;
    }
    chain.reverse(); // from the outermost layer that shows down to el
    if (own) chain.push(own);
    // Each layer paints its background, then what is inside it, and its opacity blends that whole group
    // with what was behind it. The canvas under everything is white.
    function render(index, under, withText) {
      if (index === chain.length) return withText ? over(paint, under) : under;
      const layer = chain[index];
      const inside = render(index + 1, over(layer.bg, under), withText);
      return layer.opacity >= 1 ? inside : mix(under, inside, layer.opacity);
    }
    const white = [255, 255, 255, 1];
    return {fg: render(0, white, true), bg: render(0, white, false), unknown};
  }

  const failures = [];
  const unknown = [];
  let checked = 0;

  function check(el, text, kind, style, paint, own, area) {
    text = text.replace(/\s+/g, ' ').trim();
    if (!text || paint[3] === 0) return; // a fully transparent colour draws no glyph
    checked += 1;
    const size = parseFloat(style.fontSize);
    const weight = parseInt(style.fontWeight, 10) || 400;
    const large = size >= 24 || (size >= 18.66 && weight >= 700);
    const required = large ? 3 : 4.5;
    const {fg, bg, unknown: why} = colours(el, paint, own, area || null);
    const found = {
      path: describe(el), text: text.slice(0, 60), kind, fg: show(fg), bg: show(bg),
      ratio: Math.floor(ratio(fg, bg) * 100) / 100, required, font: `${size}px ${weight}`,
    };
    if (why) unknown.push({...found, why});
    else if (ratio(fg, bg) < required) failures.push(found);
  }

  // Text nodes.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const el = node.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'OPTGROUP', 'TITLE'].includes(el.tagName)) {
      continue;
    }
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    if (!visibleElement(el)) continue;
    const style = getComputedStyle(el);
    const paint = el instanceof SVGElement ? parse(style.fill) : parse(style.color);
    const area = {
      left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
      top: Math.min(...rects.map((r) => r.top)), bottom: Math.max(...rects.map((r) => r.bottom)),
    };
    check(el, node.data, 'text', style, paint, el instanceof SVGElement ? shapeUnder(el, area) : null, area);
  }

  for (const el of document.body.querySelectorAll('*')) {
    if (el instanceof SVGElement || !visibleElement(el)) continue;
    const style = getComputedStyle(el);

    // Pseudo-elements with text content.
    for (const pseudo of ['::before', '::after']) {
      const ps = getComputedStyle(el, pseudo);
      if (ps.display === 'none' || ps.visibility !== 'visible' || parseFloat(ps.opacity) === 0) continue;
      let text = '';
      const content = ps.content;
      if (!content || content === 'none' || content === 'normal') continue;
      for (const m of content.matchAll(/"((?:[^"\\]|\\.)*)"|attr\(\s*([\w-]+)\s*\)|counters?\([^)]*\)/g)) {
        if (m[1] !== undefined) text += m[1].replace(/\\(.)/g, '$1');
        else if (m[2]) text += el.getAttribute(m[2]) || '';
        else text += '0';
      }
      check(el, text, pseudo, ps, parse(ps.color), {node: el, bg: parse(ps.backgroundColor),
        opacity: parseFloat(ps.opacity)});
    }

    // List markers (bullets and numbers).
    if (style.display === 'list-item' && style.listStyleType !== 'none' && style.listStyleImage === 'none'
        && el.getBoundingClientRect().height > 0) {
      const marker = getComputedStyle(el, '::marker');
      const type = style.listStyleType;
      const text = /^["']/.test(type) ? type.slice(1, -1) : (['disc', 'circle', 'square'].includes(type)
        ? '•' : '1.');
      check(el, text, 'marker', marker, parse(marker.color), null);
    }

    // Form controls draw their value or placeholder without a text node.
    const tag = el.tagName;
    if (tag === 'SELECT' && el.selectedIndex >= 0) {
      check(el, el.options[el.selectedIndex].text, 'value', style, parse(style.color), null);
    } else if (tag === 'TEXTAREA' || (tag === 'INPUT' && !['hidden', 'checkbox', 'radio', 'image', 'range',
      'color', 'file'].includes(el.type))) {
      if (el.value) {
        check(el, el.value, 'value', style, parse(style.color), null);
      } else if (el.placeholder) {
        const ps = getComputedStyle(el, '::placeholder');
        check(el, el.placeholder, 'placeholder', ps, parse(ps.color), null);
      }
    }
  }
  return {failures, unknown, checked};
}"""


def glyph_contrast(page):
    """Every glyph the page shows now, checked: {"failures": [...], "unknown": [...], "checked": count}."""
    return page.evaluate(_CHECK)


def format_contrast(result, where=""):
    """One line per distinct failure (same place, colours and ratio), with how many glyph runs share it."""
    lines = []
    for title, found in (("too little contrast", result["failures"]), ("background unknown", result["unknown"])):
        if not found:
            continue
        groups = {}
        for item in found:
            key = (item["path"], item["kind"], item["fg"], item["bg"], item["ratio"], item["required"], item.get("why"))
            groups.setdefault(key, []).append(item)
        lines.append(f"{len(found)} text run(s) with {title}{f' on {where}' if where else ''}:")
        for (path, kind, fg, bg, ratio, required, why), items in groups.items():
            texts = ", ".join(sorted({repr(item["text"]) for item in items})[:4])
            count = f" x{len(items)}" if len(items) > 1 else ""
            if why:
                lines.append(f"- {why}; {ratio:.2f}:1 on the colour beneath it, {required}:1 needed{count}")
            else:
                lines.append(f"- {ratio:.2f}:1, {required}:1 needed: {fg} on {bg} ({items[0]['font']}, {kind}){count}")
            lines.append(f"    at {path}: {texts}")
    return "\n".join(lines)


def assert_every_glyph_has_contrast(page):
    """Fail with every glyph run below WCAG 2.2 AA contrast, or whose background cannot be known."""
    result = glyph_contrast(page)
    assert result["checked"], f"no visible text found on {page.url}"
    if result["failures"] or result["unknown"]:
        raise AssertionError(format_contrast(result, where=page.url))
    return result
