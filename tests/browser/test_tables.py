"""Year tables and the force list at a desktop and a phone width: every column visible with nothing scrolling
sideways, on a four-point year, a five-point year, the sparsest year, and the force list for both kinds."""

import pytest

from tests.browser.test_pages import PageType, visit

pytestmark = pytest.mark.browser

TABLE_PAGES = [
    PageType("four-point-year", "/peel/2017/"),
    PageType("five-point-year", "/peel/2023-25/"),
    PageType("sparsest-year", "/peel/2021-22/"),
    PageType("sparse-four-point-year", "/peel/2014/"),
    PageType("year-by-region", "/peel/2021-22/?group=region"),
    PageType("year-by-question", "/peel/2017/?level=question&group=region"),
    PageType("year-2015-by-question", "/peel/2015/?level=question"),
    PageType("forces", "/forces/"),
    PageType("forces-five-point", "/forces/?year=2023-25"),
    PageType("home", "/"),
]
WIDTHS = [1280, 375]

# Anything in or around a table that is wider than its box, or than the window: a table that scrolls, a cell
# whose content spills out of it, or the page itself wider than the screen.
OVERFLOW = """(width) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`page is ${root.scrollWidth} px wide`);
  for (const el of document.querySelectorAll('main table, main table *, .peel-table-wrapper')) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || el.closest('.govuk-visually-hidden')) continue;  // no visible glyph to scroll
    const name = `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') || ''}">`
      + ` ${el.textContent.trim().slice(0, 40)}`;
    if (box.right > root.clientWidth + 0.5) problems.push(`${name} ends at ${Math.round(box.right)}`);
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible')
      problems.push(`${name} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
    if (['TD', 'TH'].includes(el.tagName)) {
      for (const child of el.querySelectorAll('*')) {
        const inner = child.getBoundingClientRect();
        const visible = inner.width > 1 && !child.closest('.govuk-visually-hidden');
        if (visible && (inner.right > box.right + 0.5 || inner.left < box.left - 0.5))
          problems.push(`${name}: <${child.tagName.toLowerCase()}> spills out of its cell`);
      }
    }
  }
  return problems.slice(0, 10);
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("spec", TABLE_PAGES, ids=[spec.name for spec in TABLE_PAGES])
def test_tables_fit_the_window_without_sideways_scrolling(new_page, server_url, spec, width):
    page = new_page(viewport={"width": width, "height": 900})
    visit(page, server_url, spec)
    problems = page.evaluate(OVERFLOW, width)
    assert not problems, f"{spec.path} at {width} px:\n" + "\n".join(problems)


@pytest.mark.parametrize("spec", TABLE_PAGES[:4], ids=[spec.name for spec in TABLE_PAGES[:4]])
def test_a_year_table_shows_every_column_at_a_desktop_width(new_page, server_url, spec):
    page = new_page(viewport={"width": 1280, "height": 900})
    visit(page, server_url, spec)
    headers = page.locator("table.peel-year-table thead th")
    assert headers.count() >= 2
    for index in range(headers.count()):
        assert headers.nth(index).is_visible(), f"column {index} of {spec.path} is hidden at 1280 px"


def test_on_a_phone_each_force_reads_as_a_list_of_areas_and_grades(new_page, server_url):
    page = new_page(viewport={"width": 375, "height": 900})
    visit(page, server_url, PageType("year", "/peel/2023-25/"))
    merseyside = page.locator("table.peel-year-table tbody tr", has_text="Merseyside")
    text = " ".join(merseyside.inner_text().split())
    assert "Investigating crime:" in text, text
    assert "No grade recorded" not in text
    assert not page.locator("table.peel-year-table thead").is_visible() or (
        page.locator("table.peel-year-table thead").bounding_box()["height"] <= 1
    )
