"""The axe helper itself: it must fail on a page with known problems, and say what and where they are."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.keyboard import tab_through

pytestmark = pytest.mark.browser

BROKEN = """<!DOCTYPE html>
<html lang="en">
<head><title>Broken page</title></head>
<body>
  <main>
    <h1>Broken page</h1>
    <img src="x.png" id="chart">
    <input type="text" id="postcode">
  </main>
</body>
</html>"""

CLEAN = """<!DOCTYPE html>
<html lang="en">
<head><title>Clean page</title></head>
<body>
  <main>
    <h1>Clean page</h1>
    <img src="x.png" alt="A chart of grades">
    <label for="postcode">Postcode</label>
    <input type="text" id="postcode">
  </main>
</body>
</html>"""


def test_axe_reports_each_violation_with_its_element(page):
    page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page)
    message = str(failure.value)
    for expected in ("image-alt", "label", "#chart", "#postcode", "critical"):
        assert expected in message, f"{expected!r} missing from the failure message:\n{message}"
    # Each element's fix summary from axe, not only the rule.
    assert "Fix any of the following" in message, message


def test_axe_passes_a_clean_page(page):
    page.set_content(CLEAN)
    assert_no_axe_violations(page)


KEYBOARD = """<!DOCTYPE html>
<html lang="en">
<head><title>Keyboard</title><style>#hidden-focus:focus { outline: none; }</style></head>
<body>
  <main>
    <h1>Keyboard</h1>
    <a href="/one" id="fine">Default focus ring</a>
    <a href="/two" id="hidden-focus">Focus style removed</a>
    <a href="/three" id="unreachable" tabindex="-1">Taken out of the Tab order</a>
    <a href="/four" id="offscreen" hidden>Not shown, so not expected</a>
  </main>
</body>
</html>"""


def test_tab_through_reports_unreachable_elements_and_invisible_focus(page):
    page.set_content(KEYBOARD)
    result = tab_through(page)
    assert [line.split(" ")[0] for line in result.order] == ["<a#fine>", "<a#hidden-focus>"], result.order
    assert result.no_indicator == ['<a#hidden-focus> "Focus style removed"'], result.no_indicator
    assert result.missed == ['<a#unreachable> "Taken out of the Tab order"'], result.missed
