"""The consultation journey in a real Chromium, with the keyboard alone and axe-core on every step: read the
demonstration consultation, answer it, get an error, fix it, check, change an answer, send, get a reference.
Also the banner on every page: hidden with the keyboard, remembered without a cookie.

The server must hold the demonstration consultation (`manage.py load_consultations`, run by conftest); without
it these tests are skipped, or fail on CI."""

import re
import urllib.error
import urllib.request

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import in_ci
from tests.browser.keyboard import tab_through
from tests.browser.test_pages import SCREENSHOTS

pytestmark = pytest.mark.browser

DEMO = "/consultations/how-should-this-site-show-peel-grades/"
REFERENCE = re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}")
TRAP = "#id_website"  # the hidden field for programs: off screen, out of the tab order on purpose


@pytest.fixture(scope="module")
def demo_url(server_url):
    try:
        urllib.request.urlopen(server_url + DEMO, timeout=5)  # noqa: S310 - our own test server
    except urllib.error.HTTPError:
        reason = (
            "the browser test server has no demonstration consultation: tests/browser/conftest.py must run "
            '`_finish(_manage(env, root, "load_consultations"))` after load_peel_data'
        )
        pytest.fail(reason, pytrace=False) if in_ci() else pytest.skip(reason)
    return server_url + DEMO


def ready(page):
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')", timeout=5_000)


def check_page(page, name):
    """axe, and every control reachable by Tab with a visible focus; then a screenshot."""
    ready(page)
    assert_no_axe_violations(page)
    result = tab_through(page)
    missed = [m for m in result.missed if TRAP not in m and not in_reached_radio_group(m, result.order)]
    assert not missed, f"never reached with Tab on {page.url}:\n" + "\n".join(missed)
    assert not result.no_indicator, f"no visible focus on {page.url}:\n" + "\n".join(result.no_indicator)
    SCREENSHOTS.mkdir(exist_ok=True)
    label = "phone" if page.viewport_size["width"] < 641 else "desktop"
    page.screenshot(path=SCREENSHOTS / f"consultation-{name}-{label}.png", full_page=True)


def press_and_wait(page, key):
    """Press a key that leaves the page, and wait for the next one to load."""
    with page.expect_navigation():
        page.keyboard.press(key)


def in_reached_radio_group(described, reached):
    """A radio after the first of its group: Tab stops once per group and the arrow keys move within it."""
    found = re.match(r"<input#(id_[\w-]+?)-\d+\.govuk-radios__input>", described)
    return bool(found) and any(r.startswith(f"<input#{found[1]}.") for r in reached)


def tab_to(page, selector, most=200):
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def field(page, text):
    """The id of the question field whose label or legend contains ``text``."""
    return page.evaluate(
        """(text) => {
          for (const group of document.querySelectorAll('.govuk-form-group')) {
            const label = group.querySelector('label.govuk-label--m, legend');
            if (label && label.textContent.includes(text)) {
              return group.querySelector('input, textarea').id;
            }
          }
          return null;
        }""",
        text,
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_the_journey_with_the_keyboard_alone(new_page, demo_url, width):
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(demo_url)
    check_page(page, "detail")
    tab_to(page, "a.govuk-button--start")
    press_and_wait(page, "Enter")
    assert page.url.endswith("/respond/")
    check_page(page, "form")

    # Continue with nothing answered: the required scale question and the questions about you are missing.
    tab_to(page, "button[type=submit]")
    press_and_wait(page, "Enter")
    ready(page)
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')", timeout=5_000)
    assert page.locator(".govuk-error-summary__list li").count() == 3
    assert_no_axe_violations(page)
    label = "phone" if width < 641 else "desktop"
    page.screenshot(path=SCREENSHOTS / f"consultation-errors-{label}.png", full_page=True)
    page.keyboard.press("Tab")  # into the summary: its first link, to the first field in error
    page.keyboard.press("Enter")
    scale = field(page, "easy to understand")
    page.wait_for_function("(id) => document.activeElement.id === id", arg=scale, timeout=2_000)
    page.keyboard.press("Space")  # selects the first point on the scale, "Strongly agree"
    page.keyboard.press("ArrowDown")  # moves to, and selects, "Agree"

    tab_to(page, f"#{field(page, 'Which of these would you use?')}")
    page.keyboard.press("Space")
    words = field(page, "easier to understand?")
    tab_to(page, f"#{words}")
    page.keyboard.type("Say what each grade means, in plain words.")
    page.wait_for_function("document.querySelector('.govuk-character-count__status').textContent.includes('1,158')")
    tab_to(page, "#id_respondent_type")
    page.keyboard.press("Space")
    tab_to(page, "#id_email")
    page.keyboard.type("sam@example.org")
    tab_to(page, "#id_consent")
    page.keyboard.press("ArrowDown")  # "Yes, but without my name"
    tab_to(page, "button[type=submit]")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Check your answers before sending your response"
    check_page(page, "check")
    answers = page.locator(".govuk-summary-list__value").all_inner_texts()
    assert "Agree" in answers and "Say what each grade means, in plain words." in answers
    assert "Yes, but without my name or anything that identifies me" in answers

    # Change an answer: back to the form with everything kept, then check again.
    tab_to(page, f"button[name=change][value='{words.removeprefix('id_')}']")
    press_and_wait(page, "Enter")
    ready(page)
    assert page.input_value(f"#{words}") == "Say what each grade means, in plain words."
    assert page.is_checked("#id_respondent_type") and page.input_value("#id_email") == "sam@example.org"
    tab_to(page, f"#{words}")
    page.keyboard.press("Control+End")  # the end of the text, not of the line it wraps to on a phone
    page.keyboard.type(" And a key.")
    tab_to(page, "button[type=submit]")
    press_and_wait(page, "Enter")
    assert "Say what each grade means, in plain words. And a key." in page.locator("main").inner_text()

    tab_to(page, "button[data-prevent-double-click]")
    press_and_wait(page, "Enter")
    assert "/respond/sent/" in page.url
    check_page(page, "sent")
    reference = page.locator(".peel-reference").inner_text()
    assert REFERENCE.fullmatch(reference), reference
    assert "We have emailed you a copy" in page.locator("main").inner_text()


def test_reading_sets_no_cookie_and_only_the_form_sets_the_csrf_cookie(page, demo_url, server_url):
    for path in ("/", "/consultations/", DEMO):
        page.goto(server_url + path)
    assert page.context.cookies() == []
    page.goto(demo_url + "respond/")
    assert [cookie["name"] for cookie in page.context.cookies()] == ["csrftoken"]


def test_the_banner_is_hidden_with_the_keyboard_and_stays_hidden_without_a_cookie(new_page, demo_url, server_url):
    page = new_page()
    page.goto(server_url + "/")
    ready(page)
    banner = page.locator("[data-module=peel-consultation-banner]")
    assert "(demonstration): For consultation" in banner.inner_text()
    tab_to(page, ".peel-consultation-banner__hide")
    page.keyboard.press("Enter")
    assert banner.is_hidden()
    page.wait_for_function("document.activeElement.id === 'main-content'", timeout=2_000)
    for path in ("/", "/forces/", DEMO):
        page.goto(server_url + path)
        ready(page)
        assert banner.is_hidden(), path
    assert page.context.cookies() == []
    stored = page.evaluate("localStorage.getItem('peel.hidden-consultations')")
    assert "how-should-this-site-show-peel-grades" in stored


def test_without_javascript_the_banner_stays_and_the_form_still_counts_for_you(new_page, demo_url, server_url):
    page = new_page(java_script_enabled=False)
    page.goto(server_url + "/")
    assert page.locator("[data-module=peel-consultation-banner]").is_visible()
    assert page.locator(".peel-consultation-banner__hide").is_hidden()
    page.goto(demo_url + "respond/")
    assert "You can enter up to 1,200 characters" in page.locator("main").inner_text()
    page.locator("textarea").fill("x" * 1201)  # the only long-text question; no JS here to look it up with
    page.click("button[type=submit]")
    assert "must be 1,200 characters or fewer (it has 1,201)" in page.locator(".govuk-error-summary").inner_text()


PAGES = {
    "list": "/consultations/",
    "open": DEMO,
    "outcome": "/consultations/policing-inspection-programme-2025-29/",
    "form": DEMO + "respond/",
}


@pytest.mark.parametrize("name", PAGES)
def test_each_page_passes_axe_and_fits_a_320_pixel_screen(new_page, demo_url, server_url, name):
    page = new_page(viewport={"width": 320, "height": 800})
    page.goto(server_url + PAGES[name])
    ready(page)
    assert_no_axe_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{PAGES[name]} is {width} px wide on a 320 px screen"
    page.screenshot(path=SCREENSHOTS / f"consultation-{name}-phone.png", full_page=True)
