"""Every public page type in a real Chromium: axe-core's WCAG A and AA rules, the skip link, keyboard access
with a visible focus indicator, no sideways scrolling at 320 CSS pixels, page structure, and screenshots."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.keyboard import from_the_top, tab_through

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@dataclass(frozen=True)
class PageType:
    name: str  # also the screenshot's name
    path: str
    status: int = 200
    same_page_as: str = ""  # a filtered or sorted view of another page type, which may share its title


PAGES = [
    PageType("home", "/"),
    PageType("forces", "/forces/"),
    PageType("force", "/forces/kent/"),
    PageType("assessment", "/forces/kent/2016/"),
    PageType("pillar", "/forces/kent/2015/efficiency/"),
    PageType("year", "/peel/2017/"),
    PageType("year-grouped", "/peel/2017/?group=region&sort=efficiency", same_page_as="year"),
    PageType("years", "/peel/"),
    PageType("year-five-point", "/peel/2021-22/"),
    PageType("year-newest", "/peel/2023-25/?group=region"),
    PageType("forces-newest-year", "/forces/?year=2023-25"),
    PageType("assessment-partial", "/forces/merseyside/2021-22/"),
    PageType("year-questions", "/peel/2017/?level=question&sort=efficiency-q1&order=worst&group=region"),
    PageType("data", "/data/"),
    PageType("forces-error", "/forces/?region=atlantis"),
    PageType("not-found", "/forces/atlantis/", status=404),
    PageType("compare", "/compare/?force=kent&force=essex&force=surrey&force=sussex&force=merseyside&force=cumbria"),
    PageType("about-grades", "/peel/about-grades/"),
    PageType("accessibility", "/accessibility/"),
    PageType("privacy", "/privacy/"),
    PageType("cookies", "/cookies/"),
    PageType("contact", "/contact/"),
]
each_page = pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])


def visit(page, server_url, spec):
    response = page.goto(server_url + spec.path)
    assert response is not None, f"no response for {spec.path}"
    assert response.status == spec.status, f"{spec.path} answered {response.status}, expected {spec.status}"
    return response


@each_page
def test_no_axe_violations(page, server_url, spec):
    visit(page, server_url, spec)
    assert_no_axe_violations(page)


@each_page
def test_loads_like_production(page, server_url, spec):
    """Hashed static files from whitenoise, every request answered, GOV.UK Frontend's JS running, no errors."""
    problems = []
    document_url = server_url + spec.path

    def on_console(message):
        # Chromium logs a 404 page's own status as a console error; its status is checked by visit().
        if message.type == "error" and message.location.get("url") != document_url:
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and problems.append(f"{response.status}: {response.url}")
        ),
    )
    visit(page, server_url, spec)
    page.wait_for_load_state("load")
    stylesheet = page.get_attribute("link[rel=stylesheet]", "href")
    assert stylesheet.startswith("/static/build/peel.") and stylesheet != "/static/build/peel.css", (
        f"stylesheet {stylesheet} is not the manifest's hashed name"
    )
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')", timeout=5_000)
    assert not problems, "\n".join(problems)


def focus_state(page):
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const box = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          return {
            id: el.id, text: el.textContent.trim(), tag: el.tagName.toLowerCase(),
            className: el.getAttribute('class') || '', hash: location.hash,
            width: box.width, height: box.height, top: box.top, left: box.left,
            clip: style.clip, clipPath: style.clipPath, opacity: style.opacity, visibility: style.visibility,
          };
        }"""
    )


def assert_skip_link_focused_and_visible(page, spec):
    from_the_top(page)
    page.keyboard.press("Tab")
    link = focus_state(page)
    assert link["tag"] == "a" and link["text"] == "Skip to main content", (
        f"Tab from the top of {spec.path} focused <{link['tag']} class='{link['className']}'> "
        f"'{link['text'][:60]}', not the skip link"
    )
    visible = (
        link["width"] > 10
        and link["height"] > 10
        and link["top"] >= 0
        and link["left"] >= 0
        and link["clip"] in ("auto", "")
        and link["clipPath"] in ("none", "")
        and float(link["opacity"]) > 0
        and link["visibility"] == "visible"
    )
    assert visible, f"the focused skip link is not visible on {spec.path}: {link}"


def test_error_summary_takes_focus(page, server_url):
    """GOV.UK's pattern: when a page shows an error summary, focus moves to it on load."""
    visit(page, server_url, next(spec for spec in PAGES if spec.name == "forces-error"))
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')", timeout=5_000)


@each_page
def test_skip_link(page, server_url, spec):
    """Tab once: the skip link shows; Enter: focus moves to <main id="main-content"> (GOV.UK's skip link JS)."""
    visit(page, server_url, spec)
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')", timeout=5_000)
    assert_skip_link_focused_and_visible(page, spec)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'main-content'", timeout=2_000)
    target = focus_state(page)
    assert target["tag"] == "main" and target["hash"] == "#main-content", target
    assert_next_tab_stop_in_or_after_main(page, spec)


@each_page
def test_skip_link_without_javascript(new_page, server_url, spec):
    """Without JS, <main> is not focusable, so document.activeElement stays <body>; but following the
    fragment moves the sequential focus starting point, so the next Tab stop is inside (or after) <main>."""
    page = new_page(java_script_enabled=False)
    visit(page, server_url, spec)
    assert_skip_link_focused_and_visible(page, spec)
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main-content'", timeout=2_000)
    assert_next_tab_stop_in_or_after_main(page, spec)


def assert_next_tab_stop_in_or_after_main(page, spec):
    page.keyboard.press("Tab")
    where = page.evaluate(
        """() => {
          const main = document.getElementById('main-content'), el = document.activeElement;
          const inside = main.contains(el) && el !== main;
          const after = !!(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
          return {ok: inside || after, text: el.textContent.trim().slice(0, 60), tag: el.tagName.toLowerCase()};
        }"""
    )
    assert where["ok"], f"after the skip link on {spec.path}, Tab went to <{where['tag']}> '{where['text']}'"


@each_page
def test_keyboard_reaches_everything_with_visible_focus(page, server_url, spec):
    """Tab through the page: every visible interactive element gets focus, and shows that it has it."""
    visit(page, server_url, spec)
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')", timeout=5_000)
    result = tab_through(page)
    missed = "\n".join(result.missed)
    assert not result.missed, f"{len(result.missed)} element(s) on {spec.path} never got focus from Tab:\n{missed}"
    assert not result.no_indicator, f"no visible focus indicator on {spec.path}:\n" + "\n".join(result.no_indicator)


@each_page
def test_no_sideways_scrolling_at_320_px(new_page, server_url, spec):
    """WCAG 1.4.10 reflow: at 320 CSS px only a table's own scrolling region may be wider than the screen."""
    page = new_page(viewport={"width": 320, "height": 800})
    visit(page, server_url, spec)
    widths = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
                  wide: [...document.querySelectorAll('body *')]
                    .filter((el) => !el.closest('.peel-table-wrapper'))
                    .filter((el) => el.getBoundingClientRect().right > 320.5 && el.getBoundingClientRect().width > 1)
                    .slice(0, 8)
                    .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') || ''}">`
                                 + ` right=${Math.round(el.getBoundingClientRect().right)}`)})"""
    )
    assert widths["scroll"] <= 320, (
        f"{spec.path} is {widths['scroll']} px wide at a 320 px viewport; too wide:\n" + "\n".join(widths["wide"])
    )


@each_page
def test_page_structure(page, server_url, spec):
    """One h1, a language, a title, and every table wrapper is a named, focusable scrolling region."""
    visit(page, server_url, spec)
    assert page.locator("h1").count() == 1, f"{spec.path} has {page.locator('h1').count()} h1 elements"
    assert page.get_attribute("html", "lang"), f"{spec.path} has no <html lang>"
    assert page.title().strip(), f"{spec.path} has an empty title"
    wrappers = page.evaluate(
        """() => [...document.querySelectorAll('.peel-table-wrapper')].map((el) => ({
             role: el.getAttribute('role'), label: (el.getAttribute('aria-label') || '').trim(),
             tabindex: el.getAttribute('tabindex'), html: el.outerHTML.slice(0, 120)}))"""
    )
    for wrapper in wrappers:
        assert wrapper["role"] == "region" and wrapper["label"] and wrapper["tabindex"] == "0", (
            f'a .peel-table-wrapper on {spec.path} needs role="region", an aria-label and tabindex="0": {wrapper}'
        )


def test_titles_are_unique(page, server_url):
    titles = {}
    for spec in PAGES:
        visit(page, server_url, spec)
        titles.setdefault(page.title(), set()).add(spec.same_page_as or spec.name)
    shared = {title: sorted(names) for title, names in titles.items() if len(names) > 1}
    assert not shared, f"page types sharing a title: {shared}"


@each_page
def test_screenshots(new_page, server_url, spec):
    """Full-page screenshots at desktop and phone widths, written to screenshots/<page>-<width>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, viewport in (("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 375, "height": 800})):
        page = new_page(viewport=viewport)
        visit(page, server_url, spec)
        path = SCREENSHOTS / f"{spec.name}-{label}.png"
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 0


def test_readme_screenshot(new_page, server_url):
    """The Kent 2016 assessment at 1280 x 900, viewport only, for the README."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page = new_page(viewport={"width": 1280, "height": 900})
    visit(page, server_url, next(spec for spec in PAGES if spec.name == "assessment"))
    path = SCREENSHOTS / "readme.png"
    page.screenshot(path=path)
    assert path.stat().st_size > 0
