"""The compare page with six forces at a desktop and a phone width: every column of every year's table visible
on the desktop, a list per pillar on the phone, and nothing scrolling sideways at either."""

import pytest

from tests.browser.test_pages import PageType, visit
from tests.browser.test_tables import OVERFLOW

pytestmark = pytest.mark.browser

SIX = PageType("compare", "/compare/?force=kent&force=essex&force=surrey&force=sussex&force=merseyside&force=cumbria")
FORCES = ["Kent", "Essex", "Surrey", "Sussex", "Merseyside", "Cumbria"]


@pytest.mark.parametrize("width", [1280, 375])
def test_six_forces_fit_the_window_without_sideways_scrolling(new_page, server_url, width):
    page = new_page(viewport={"width": width, "height": 900})
    visit(page, server_url, SIX)
    problems = page.evaluate(OVERFLOW, width)
    assert not problems, f"{SIX.path} at {width} px:\n" + "\n".join(problems)


def test_at_a_desktop_width_every_force_and_england_and_wales_have_a_visible_column(new_page, server_url):
    page = new_page(viewport={"width": 1280, "height": 900})
    visit(page, server_url, SIX)
    tables = page.locator("table.peel-compare-table")
    assert tables.count() == 7
    for index in range(tables.count()):
        headers = tables.nth(index).locator("thead th")
        names = [" ".join(headers.nth(i).inner_text().split()) for i in range(headers.count())]
        assert names[1:] == [*FORCES, "England and Wales"], names
        for i in range(headers.count()):
            assert headers.nth(i).is_visible(), f"{names[i]} is hidden in table {index} at 1280 px"


def test_on_a_phone_each_pillar_reads_as_a_list_of_forces_and_grades(new_page, server_url):
    page = new_page(viewport={"width": 375, "height": 900})
    visit(page, server_url, SIX)
    table = page.locator("table.peel-compare-table").filter(has_text="PEEL 2018/19 grades")
    row = table.locator("tbody tr", has_text="Efficiency")
    lines = [" ".join(line.split()) for line in row.inner_text().splitlines() if line.strip()]
    assert lines[0] == "Efficiency"
    for force in FORCES:
        assert any(line.startswith(f"{force}:") for line in lines), lines
    assert "England and Wales:" in lines
    head = table.locator("thead").bounding_box()
    assert head is None or head["height"] <= 1


def test_the_form_works_without_javascript(new_page, server_url):
    page = new_page(java_script_enabled=False)
    visit(page, server_url, PageType("compare-form", "/compare/?start=kent"))
    assert page.locator("input[value=kent]").is_checked()
    page.get_by_label("Essex").check()
    page.get_by_role("button", name="Compare forces").click()
    assert page.url.endswith("/compare/?force=essex&force=kent")
    assert page.locator("table.peel-compare-table").count() == 7
