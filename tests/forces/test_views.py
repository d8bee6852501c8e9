import re

import pytest

from inspections.models import Scale
from peel.publishing import Status
from tests.factories import (
    make_assessment,
    make_force,
    make_grade_history,
    make_judgment,
    make_key_fact,
    make_pillar,
    make_report,
    make_year,
)
from tests.inspections.test_views import text_of, text_of_html

pytestmark = pytest.mark.django_db


def test_forces_are_listed_by_region_with_the_grades_of_one_named_year(client):
    kent = make_force(name="Kent Police", short_name="Kent", slug="kent")
    essex = make_force(name="Essex Police", short_name="Essex", slug="essex", region=kent.region)
    old, new = make_year(first_year=2016, title="PEEL 2016"), make_year(first_year=2017, title="PEEL 2017")
    make_judgment(assessment=make_assessment(force=kent, year=old), grade="inadequate")
    make_judgment(assessment=make_assessment(force=kent, year=new), grade="outstanding")
    make_judgment(assessment=make_assessment(force=essex, year=new), grade="good")
    page = text_of(client.get("/forces/"))
    assert "Grades from PEEL 2017" in page
    assert f"Forces in {kent.region.name} with their grades from PEEL 2017" in page
    assert "Essex Police Effectiveness: Good" in page
    assert "Kent Police Effectiveness: Outstanding" in page
    assert "Inadequate" not in page


def test_the_force_list_leads_with_the_newest_year_most_forces_have_grades_for(client):
    kent, essex = make_force(short_name="Kent"), make_force(short_name="Essex")
    full, partial = make_year(first_year=2016, title="PEEL 2016"), make_year(first_year=2017, title="PEEL 2017")
    full_pillar, partial_pillar = make_pillar(year=full), make_pillar(year=partial)
    make_judgment(assessment=make_assessment(force=kent, year=full), pillar=full_pillar, grade="good")
    make_judgment(assessment=make_assessment(force=essex, year=full), pillar=full_pillar, grade="good")
    make_judgment(assessment=make_assessment(force=kent, year=partial), pillar=partial_pillar, grade="inadequate")
    page = text_of(client.get("/forces/"))
    assert "Grades from PEEL 2016" in page
    assert "Inadequate" not in page
    chosen = text_of(client.get("/forces/", {"year": partial.slug}))
    assert "Grades from PEEL 2017" in chosen
    assert f"{kent.name} Effectiveness: Inadequate" in chosen
    assert f"{essex.name} No PEEL 2017 grades recorded here" in chosen


def test_the_force_list_says_which_pillars_have_no_grade_recorded(client):
    force = make_force()
    year = make_year(first_year=2016, title="PEEL 2016")
    assessment = make_assessment(force=force, year=year)
    make_judgment(assessment=assessment, grade="good")
    make_pillar(year=year, name="Legitimacy")
    page = text_of(client.get("/forces/"))
    assert "No grade recorded here for 1 of 2 pillars." in page


def test_an_unknown_year_on_the_force_list_is_refused_with_a_message(client):
    force = make_force()
    make_judgment(assessment=make_assessment(force=force, year=make_year(first_year=2016, title="PEEL 2016")))
    response = client.get("/forces/", {"year": "2099"})
    assert response.status_code == 200
    page = text_of(response)
    assert page.startswith("Error: Police forces")
    assert "There is a problem Choose a PEEL year from the list" in page
    assert "Grades from PEEL 2016" in page


def test_the_force_list_ignores_a_draft_assessment(client):
    force = make_force()
    make_judgment(assessment=make_assessment(force=force, year=make_year(first_year=2016, title="PEEL 2016")))
    later = make_year(first_year=2017, title="PEEL 2017")
    make_judgment(assessment=make_assessment(force=force, year=later, status=Status.DRAFT), grade="inadequate")
    make_year(first_year=2018, title="PEEL 2018", status=Status.DRAFT)
    page = text_of(client.get("/forces/"))
    assert "Grades from PEEL 2016" in page
    assert "PEEL 2018" not in page
    later_page = text_of(client.get("/forces/", {"year": later.slug}))
    assert "No PEEL 2017 grades recorded here" in later_page
    assert "Inadequate" not in later_page


def test_force_search_narrows_the_list_and_says_when_nothing_matches(client):
    make_force(name="Kent Police", short_name="Kent", slug="kent")
    make_force(name="Essex Police", short_name="Essex", slug="essex")
    page = text_of(client.get("/forces/", {"q": "kent"}))
    assert "Kent Police" in page
    assert "Essex Police" not in page
    assert "No force matches your search" in text_of(client.get("/forces/", {"q": "Atlantis"}))


def test_an_unknown_region_is_refused_by_the_filter_not_an_error(client):
    make_force(name="Kent Police", short_name="Kent", slug="kent")
    response = client.get("/forces/", {"region": "atlantis"})
    assert response.status_code == 200
    page = text_of(response)
    assert page.startswith("Error: Police forces")
    assert "There is a problem Choose a region from the list" in page


def test_force_page_shows_grade_history_with_better_and_worse_marks(client):
    force = make_force(short_name="Kent", slug="kent")
    grades = {2015: "good", 2016: "outstanding", 2017: "good"}
    make_grade_history(force, grades)
    page = text_of(client.get("/forces/kent/"))
    row = re.search(r"Legitimacy (.*?) Key facts|Legitimacy (.*)$", page).group(0)
    assert re.search(r"Good .*Outstanding \W* ?Better than the year before .*Good \W* ?Worse than the year before", row)


def test_force_page_does_not_compare_grades_across_scales(client):
    force = make_force(slug="kent")
    make_grade_history(
        force,
        {2018: "good", 2021: "good"},
        slug="investigating-crime",
        name="Investigating crime",
        years={2018: {"scale": Scale.FOUR_POINT}, 2021: {"scale": Scale.FIVE_POINT}},
    )
    page = text_of(client.get("/forces/kent/"))
    assert "Not comparable with the year before" in page
    assert "Same as the year before" not in page


def test_force_page_shows_key_facts_beside_the_national_figure(client):
    force = make_force(short_name="Kent", slug="kent")
    make_key_fact(force=force, measure="frontline-share", value=94, national_value=92)
    make_key_fact(force=force, measure="area", value=1444, national_value=None)
    page = text_of(client.get("/forces/kent/"))
    assert "Key facts – 2019/20" in page
    assert "Frontline police officers 94% 92%" in page
    assert "Force area 1,444 square miles Not published" in page


def test_force_page_says_when_nothing_is_published(client):
    make_force(short_name="Kent", slug="kent")
    assert "No PEEL assessment of Kent has been published here yet" in text_of(client.get("/forces/kent/"))


class TestWithTheRealData:
    """The pages as the public sees them with the published data loaded."""

    def test_all_43_forces_are_listed(self, client, peel_data):
        html = client.get("/forces/").content.decode()
        assert (
            len(re.findall(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/forces/', html))
            == 43
        )

    def test_kent_shows_every_year_it_was_graded(self, client, peel_data):
        page = text_of(client.get("/forces/kent/"))
        assert "Pillar or area 2015 2016 2017 2018/19" in page
        assert "Frontline police officers 94% 92%" in page

    def test_kent_2016_has_every_section_of_the_reference_page(self, client, peel_data):
        page = text_of(client.get("/forces/kent/2016/"))
        for section in [
            "Kent 2016",
            "Zoë Billingham",
            "HMI’s observations",
            "The force in context",
            "Working arrangements",
            "Looking ahead",
            "How effective is the force at keeping people safe and reducing crime?",
            "Last updated 3 November 2016",
            "View the three questions for efficiency",
            "Other inspections and reports",
            "Key facts – 2019/20",
            "Points of context provided by the force",
            "Police and crime plan priorities",
        ]:
            assert section in page, section

    def test_greater_manchester_2017_says_not_graded(self, client, peel_data):
        page = text_of(client.get("/forces/greater-manchester/2017/"))
        assert "Efficiency Not graded" in page
        assert "Legitimacy Not graded" in page

    def test_kent_2015_efficiency_lists_its_three_questions(self, client, peel_data):
        page = text_of(client.get("/forces/kent/2015/efficiency/"))
        assert "Questions for efficiency" in page
        assert "How sustainable and affordable is the workforce model?" in page
        assert "Last updated 20 October 2015" in page

    def test_the_latest_year_warns_its_grades_are_not_comparable(self, client, peel_data):
        page = text_of(client.get("/peel/2023-25/"))
        assert "cannot be compared directly" in page
        assert "Merseyside" in page


def test_force_page_draws_its_grade_history_as_a_chart_beside_the_table(client):
    force = make_force(short_name="Kent", slug="kent")
    make_grade_history(force, {2015: "good", 2016: "outstanding"})
    html = client.get("/forces/kent/").content.decode()
    chart = html[html.index('<div class="peel-history"') : html.index("</figure>")]
    assert 'aria-hidden="true"' in chart[:60]
    assert re.search(r'peel-grade--outstanding">\s*<span class="peel-history__long">Outstanding</span>', chart)
    assert '<span class="peel-history__short">O</span> ↑' in chart
    assert "The table under the chart gives the same grades in words" in html


def test_key_facts_are_drawn_as_bars_against_the_national_figure(client):
    force = make_force(short_name="Kent", slug="kent")
    make_key_fact(force=force, measure="frontline-share", value=94, national_value=47)
    html = client.get("/forces/kent/").content.decode()
    assert 'class="peel-bars__bar peel-bars__bar--local" x="0" y="0" width="100.0"' in html
    assert 'class="peel-bars__bar peel-bars__bar--national" x="0" y="0" width="50.0"' in html


def test_a_change_is_drawn_from_the_middle_and_a_fact_with_no_national_figure_gets_no_bars(client):
    force = make_force(short_name="Avon & Somerset", slug="avon-and-somerset")
    make_key_fact(force=force, measure="population-change", value=-10, national_value=5)
    make_key_fact(force=force, measure="area", value=4800, national_value=None)
    html = client.get("/forces/avon-and-somerset/").content.decode()
    chart = html[html.index('<div class="peel-bars"') : html.index("</figure>")]
    assert chart.count('<div class="peel-bars__measure">') == 1
    assert '<p class="peel-bars__name">Population change over 10 years</p>' in chart
    assert '<span class="peel-bars__who">Avon &amp; Somerset</span>' in chart
    assert 'class="peel-bars__svg peel-bars__svg--diverging"' in chart
    assert 'peel-bars__bar--local" x="0.0" y="0" width="50.0"' in chart  # leftwards from the middle
    assert 'peel-bars__bar--national" x="50" y="0" width="25.0"' in chart
    assert '<span class="peel-bars__value">-10%</span>' in chart
    assert "Force area" in text_of_html(html[html.index("</figure>") :])  # in the table, as every fact is


def test_a_published_report_of_a_draft_year_is_on_no_public_page(client):
    force = make_force(short_name="Kent", slug="kent")
    live, draft = make_year(first_year=2016), make_year(first_year=2017, status=Status.DRAFT)
    make_judgment(assessment=make_assessment(force=force, year=live))
    make_report(force=force, year=live, title="Live year report")
    make_report(force=force, year=draft, title="Draft year report")
    make_report(force=force, title="Report of no year")
    page = text_of(client.get("/forces/kent/"))
    assert "Live year report" in page
    assert "Report of no year" in page
    assert "Draft year report" not in page


@pytest.mark.parametrize("path", ["/forces/", "/peel/2016/"])
def test_force_search_is_limited_in_length(client, path):
    make_force(name="Kent Police", short_name="Kent", slug="kent")
    make_year(slug="2016")
    response = client.get(path, {"q": "k" * 50_000})
    assert response.status_code == 200
    assert "Force name must be 100 characters or fewer" in text_of(response)


@pytest.mark.parametrize("path", ["/", "/forces/", "/forces/kent/"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "options", "trace"])
def test_public_pages_answer_only_get_and_head(client, path, method):
    make_force(name="Kent Police", short_name="Kent", slug="kent")
    assert client.head(path).status_code == 200
    assert getattr(client, method)(path).status_code == 405


class TestFindingAForce:
    """A person finds a force by the names they know it by, with the real data loaded."""

    @pytest.mark.parametrize(
        ("query", "finds"),
        [
            ("london", "Metropolitan Police Service"),
            ("London", "City of London Police"),
            ("the Met", "Metropolitan Police Service"),
            ("Avon & Somerset", "Avon and Somerset Constabulary"),
            ("avon and somerset", "Avon and Somerset Constabulary"),
            ("Hampshire and Isle of Wight", "Hampshire and Isle of Wight Constabulary"),
            ("Hampshire Constabulary", "Hampshire and Isle of Wight Constabulary"),
            ("dyfed powys", "Dyfed-Powys Police"),
            ("Birmingham", "West Midlands Police"),
            ("  KENT  ", "Kent Police"),
            ("Wales", "Gwent Police"),
            ("East Midlands", "Leicestershire Police"),
        ],
    )
    def test_a_force_is_found_by_the_names_people_know(self, client, peel_data, query, finds):
        page = text_of(client.get("/forces/", {"q": query}))
        assert finds in page

    def test_a_search_finds_only_what_matches(self, client, peel_data):
        page = text_of(client.get("/forces/", {"q": "avon & somerset"}))
        assert "Avon and Somerset Constabulary" in page
        assert "Kent Police" not in page
        assert "No force matches your search" in text_of(client.get("/forces/", {"q": "Atlantis"}))


def test_a_forces_history_downloads_cell_for_cell(client):
    from peel.downloads import parse_csv, parse_json

    force = make_force(short_name="Kent", slug="kent")
    make_grade_history(force, {2015: "good", 2016: "outstanding", 2017: "good"})
    make_grade_history(force, {2018: "inadequate"}, slug="efficiency", name="Efficiency")
    csv_rows = parse_csv(client.get("/forces/kent/?format=csv").content.decode("utf-8"))
    json_rows = parse_json(client.get("/forces/kent/?format=json").content)
    expected = [
        ("legitimacy", "Good", ""),
        ("legitimacy", "Outstanding", "better"),
        ("legitimacy", "Good", "worse"),
        ("legitimacy", "No grade recorded", ""),
        ("efficiency", "No grade recorded", ""),
        ("efficiency", "No grade recorded", ""),
        ("efficiency", "No grade recorded", ""),
        ("efficiency", "Inadequate", ""),
    ]
    assert [(r["pillar"], r["grade_label"], r["change"]) for r in csv_rows] == expected
    assert [(r["pillar"], r["grade_label"], r["change"]) for r in json_rows] == expected
    assert client.get("/forces/kent/?format=pdf").status_code == 400
