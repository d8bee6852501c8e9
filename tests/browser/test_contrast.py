"""Every glyph on every public page type meets WCAG 2.2 AA contrast, including text axe-core leaves out:
text hidden from screen readers (the grade-history chart and the change arrows), pseudo-element text, list
markers, and text on coloured tags and chart cells. Checked at desktop width and, for the pages whose
layout changes most on a phone, at 375 px."""

import pytest

from tests.browser.contrast import assert_every_glyph_has_contrast, glyph_contrast
from tests.browser.test_pages import PAGES, visit

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
PHONE_PAGES = [spec for spec in PAGES if spec.name in {"force", "year-five-point", "assessment"}]


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_every_glyph_has_contrast(page, server_url, spec):
    visit(page, server_url, spec)
    assert_every_glyph_has_contrast(page)


@pytest.mark.parametrize("spec", PHONE_PAGES, ids=[spec.name for spec in PHONE_PAGES])
def test_every_glyph_has_contrast_on_a_phone(page, server_url, spec):
    page.set_viewport_size(PHONE)
    visit(page, server_url, spec)
    assert_every_glyph_has_contrast(page)


def test_checker_sees_the_chart_and_arrows_hidden_from_screen_readers(page, server_url):
    """On the force page, fade the grade-history chart's outstanding cells and the table's change arrows
    (all aria-hidden): the checker must report both, arrows included."""
    visit(page, server_url, next(spec for spec in PAGES if spec.name == "force"))
    assert_every_glyph_has_contrast(page)
    page.evaluate(
        """() => {
          for (const el of document.querySelectorAll('.peel-history__cell.peel-grade--outstanding')) {
            el.style.color = '#4f8a70';
          }
          for (const el of document.querySelectorAll('.peel-change__arrow')) el.style.color = '#b1b4b6';
        }"""
    )
    failing = {(item["path"].split(" > ")[-1], item["text"]) for item in glyph_contrast(page)["failures"]}
    assert ("span.peel-history__cell.peel-grade--outstanding", "↑") in failing
    assert ("span.peel-history__long", "Outstanding") in failing
    assert ("span.peel-change__arrow", "↑") in failing


def test_checker_reports_light_grey_on_white(page):
    page.set_content(
        '<body style="background: #fff; margin: 0">'
        '<p id="faint" style="color: #aaa; font-size: 16px">Faint words</p>'
        '<p style="color: #0b0c0c">Dark words</p></body>'
    )
    result = glyph_contrast(page)
    assert [(item["text"], item["fg"], item["bg"]) for item in result["failures"]] == [
        ("Faint words", "rgb(170, 170, 170)", "rgb(255, 255, 255)")
    ]
    assert result["failures"][0]["ratio"] == pytest.approx(2.32, abs=0.01)
    assert result["checked"] == 2
    with pytest.raises(AssertionError, match=r"(?s)2\.32:1, 4\.5:1 needed.*p#faint: 'Faint words'"):
        assert_every_glyph_has_contrast(page)


def test_checker_reports_aria_hidden_text_and_skips_visually_hidden_text(page):
    page.set_content(
        '<body style="background: #fff">'
        '<div style="background: #ffee80"><span aria-hidden="true" style="color: #b0a040">↑</span></div>'
        '<span class="govuk-visually-hidden" style="position: absolute; width: 1px; height: 1px;'
        ' overflow: hidden; clip: rect(0 0 0 0); color: #eee">not seen</span>'
        '<span style="display: none; color: #eee">not shown</span>'
        '<span style="opacity: 0; color: #eee">transparent</span></body>'
    )
    result = glyph_contrast(page)
    assert [item["text"] for item in result["failures"]] == ["↑"]
    assert result["failures"][0]["bg"] == "rgb(255, 238, 128)"


def test_checker_composites_opacity_and_reports_unknown_backgrounds(page):
    page.set_content(
        '<body style="background: #fff">'
        # Black text at half opacity on white is mid grey: 3.9:1 or so, too little for small text.
        '<p style="opacity: 0.5; color: #000">Half seen</p>'
        '<p style="color: #000; font-size: 32px; background: rgba(0, 0, 0, 0.8)">Large on grey</p>'
        '<p style="color: #fff; background-image: linear-gradient(#000, #fff)">On a gradient</p>'
        '<p class="tagged" style="color: #000"></p>'
        '<p><span style="display: inline-block; width: 2em; white-space: nowrap; background: #0b5c3e;'
        ' color: #fff">Spills out</span></p>'
        "<style>.tagged::after { content: 'After'; color: #ccc; }</style></body>"
    )
    result = glyph_contrast(page)
    failing = {item["text"]: item for item in result["failures"]}
    assert set(failing) == {"Half seen", "Large on grey", "After"}
    assert failing["Half seen"]["fg"] == "rgb(128, 128, 128)"
    assert failing["Large on grey"]["required"] == 3
    assert failing["After"]["kind"] == "::after"
    assert [item["text"] for item in result["unknown"]] == ["On a gradient", "Spills out"]
    assert "runs out of the background" in result["unknown"][1]["why"]


def test_checker_reads_svg_text_against_the_shape_drawn_under_it(page):
    page.set_content(
        '<body style="background: #fff; margin: 0"><svg width="300" height="60">'
        '<rect x="0" y="0" width="150" height="60" fill="#0b5c3e"></rect>'
        '<rect x="150" y="0" width="150" height="60" fill="#cfe4dc"></rect>'
        '<text x="75" y="35" fill="#ffffff" font-size="16">Dark</text>'
        '<text x="225" y="35" fill="#ffffff" font-size="16">Light</text>'
        "</svg></body>"
    )
    failures = glyph_contrast(page)["failures"]
    assert [(item["text"], item["bg"]) for item in failures] == [("Light", "rgb(207, 228, 220)")]
