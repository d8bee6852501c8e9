"""The assessment page printed: a clean document with no navigation, links written out, and each pillar
starting a new page."""

import re

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def printed(page, server_url):
    page.goto(server_url + "/forces/kent/2016/")
    page.emulate_media(media="print")
    return page


def shown(page, selector):
    return page.eval_on_selector_all(selector, "els => els.filter(e => getComputedStyle(e).display !== 'none').length")


def test_printing_leaves_out_navigation_breadcrumbs_footer_and_skip_link(printed):
    for selector in [".govuk-service-navigation", ".govuk-breadcrumbs", ".govuk-footer", ".govuk-skip-link"]:
        assert shown(printed, selector) == 0, f"{selector} would be printed"
    assert shown(printed, "h1") == 1


def test_each_pillar_starts_on_a_new_printed_page(printed):
    breaks = printed.eval_on_selector_all(".peel-pillar", "els => els.map(e => getComputedStyle(e).breakBefore)")
    assert len(breaks) == 3
    assert set(breaks) == {"page"}


def test_printed_links_show_where_they_go(printed):
    after = printed.eval_on_selector(
        "main a.govuk-link[href^='/forces/']", "a => getComputedStyle(a, '::after').content"
    )
    assert after == '" (/forces/kent/)"'


def test_the_screen_shows_no_written_out_links(page, server_url):
    page.goto(server_url + "/forces/kent/2016/")
    after = page.eval_on_selector("main a.govuk-link[href^='/forces/']", "a => getComputedStyle(a, '::after').content")
    assert after in {"none", "normal"}


def test_the_assessment_prints_to_several_pdf_pages(printed):
    pdf = printed.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    # The opening sections, then one page at least for each of the three pillars.
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 4
