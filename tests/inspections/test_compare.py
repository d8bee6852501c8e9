import re

import pytest

from forces.models import Force
from inspections.models import NOT_COMPARABLE_WARNING, Scale
from peel.downloads import parse_csv, parse_json
from peel.publishing import Status
from tests.factories import make_assessment, make_force, make_judgment, make_pillar, make_region, make_world, make_year
from tests.inspections.test_views import text_of, text_of_html

pytestmark = pytest.mark.django_db


def compare(client, *slugs, **params):
    return client.get("/compare/", {"force": list(slugs), **params})


@pytest.fixture
def two_forces():
    """Kent and Essex in two four-point years and a five-point one, with Surrey and Wiltshire not compared."""
    south_east, east = make_region(name="South East"), make_region(name="East of England")
    kent = make_force(name="Kent Police", short_name="Kent", slug="kent", region=south_east)
    essex = make_force(name="Essex Police", short_name="Essex", slug="essex", region=east)
    surrey = make_force(name="Surrey Police", short_name="Surrey", slug="surrey", region=south_east)
    make_force(name="Wiltshire Police", short_name="Wiltshire", slug="wiltshire")
    y2016 = make_year(first_year=2016, slug="2016", title="PEEL 2016", label="2016")
    y2017 = make_year(first_year=2017, slug="2017", title="PEEL 2017", label="2017")
    y2021 = make_year(first_year=2021, slug="2021-22", title="PEEL 2021/22", label="2021/22", scale=Scale.FIVE_POINT)
    grades = {
        y2016: {kent: "good", essex: "requires-improvement", surrey: "good"},
        y2017: {kent: "outstanding", essex: "requires-improvement", surrey: "inadequate"},
        y2021: {kent: "adequate", surrey: "good"},
    }
    for year, by_force in grades.items():
        word = "area" if year.scale == Scale.FIVE_POINT else "pillar"
        pillar = make_pillar(year=year, slug="efficiency", name=f"Efficiency {word}", position=1)
        make_pillar(year=year, slug="leadership", name="Leadership", graded=False, position=2)
        for force, grade in by_force.items():
            make_judgment(assessment=make_assessment(force=force, year=year), pillar=pillar, grade=grade)
    return kent, essex


def test_with_no_forces_the_page_explains_itself_and_shows_the_form_grouped_by_region(client, two_forces):
    response = client.get("/compare/")
    page = text_of(response)
    html = response.content.decode()
    assert page.startswith("Compare forces – PEEL assessments")
    assert "See two to six police forces’ PEEL grades side by side" in page
    assert "Which forces do you want to compare? Choose two to six forces." in page
    assert re.search(r"<legend[^>]*>\s*East of England\s*</legend>", html)
    assert "South East Kent Surrey" in page
    assert "checked" not in html
    assert "<table" not in html


def test_the_chosen_forces_are_ticked_and_compared_in_the_order_chosen(client, two_forces):
    response = compare(client, "essex", "kent")
    html = response.content.decode()
    page = text_of(response)
    assert page.startswith("Compare Essex and Kent – PEEL assessments")
    assert "Essex and Kent side by side in every PEEL year published here, newest first." in page
    assert re.search(r'value="kent" checked>', html)
    assert re.search(r'value="essex" checked>', html)
    assert 'value="surrey">' in html
    assert "Pillar Essex Kent England and Wales" in page


def test_three_or_more_forces_are_named_as_a_sentence_lists_them(client, two_forces):
    page = text_of(compare(client, "surrey", "kent", "essex"))
    assert page.startswith("Compare Surrey, Kent and Essex – PEEL assessments")
    assert "PEEL 2017 grades for Surrey, Kent and Essex, and for England and Wales" in page


def test_each_year_has_a_table_newest_first_with_a_row_per_graded_pillar(client, two_forces):
    page = text_of(compare(client, "kent", "essex"))
    captions = re.findall(r"(PEEL \S+) grades for Kent and Essex, and for England and Wales", page)
    assert captions == ["PEEL 2021/22", "PEEL 2017", "PEEL 2016"]
    assert "“Leadership” was inspected but given no overall grade, so it has no row here." in page
    assert "Leadership Kent" not in page


def test_a_grade_is_marked_against_the_same_forces_grade_the_year_before(client, two_forces):
    page = text_of(compare(client, "kent", "essex"))
    row_2017 = "Efficiency pillar Kent: Outstanding ↑ Better than the year before Essex: Requires improvement → Same as"
    assert row_2017 in page
    assert "Efficiency pillar Kent: Good Essex: Requires improvement England" in page  # 2016: the first year


def test_a_missing_grade_says_so_and_grades_are_never_compared_across_scales(client, two_forces):
    page = text_of(compare(client, "kent", "essex"))
    assert "Efficiency area Kent: Adequate Essex: No grade recorded England and Wales:" in page
    assert "Its grades are not compared with PEEL 2017’s, which were given under a different framework." in page


def test_the_framework_change_is_a_break_between_the_tables_and_five_point_years_warn(client, two_forces):
    page = text_of(compare(client, "kent", "essex"))
    break_at = page.index("Before PEEL 2021/22: a different grading framework")
    assert page.index("PEEL 2021/22 grades for") < break_at < page.index("PEEL 2017 grades for")
    assert page.count(NOT_COMPARABLE_WARNING) == 2  # on the five-point year, and at the break


def distributions(response):
    """The words under each bar of the England and Wales column, newest year first."""
    return re.findall(r'<span class="peel-compare-dist__text">(.*?)</span>', response.content.decode())


def test_the_england_and_wales_column_counts_every_forces_grade(client, two_forces):
    response = compare(client, "kent", "essex")
    # Four forces: in 2017 Kent outstanding, Essex and Surrey below it, Wiltshire with no assessment at all.
    assert distributions(response) == [
        "Good 1, adequate 1, no grade recorded here 2",
        "Outstanding 1, requires improvement 1, inadequate 1, no grade recorded here 1",
        "Good 2, requires improvement 1, no grade recorded here 1",
    ]
    bar = '<rect class="peel-summary__part--outstanding" x="0.0%" y="0" width="25.0%" height="22"></rect>'
    assert bar in response.content.decode()


MARKS = {
    "better": " ↑ Better than the year before",
    "same": " → Same as the year before",
    "worse": " ↓ Worse than the year before",
    "": "",
}


def test_the_downloads_hold_the_cells_of_the_tables_in_the_same_order(client, two_forces):
    response = compare(client, "essex", "kent")
    html = response.content.decode()
    assert 'href="?force=essex&amp;force=kent&amp;format=csv"' in html
    assert 'href="?force=essex&amp;force=kent&amp;format=json"' in html
    csv_rows = parse_csv(compare(client, "essex", "kent", format="csv").content.decode())
    json_rows = parse_json(compare(client, "essex", "kent", format="json").content)
    as_text = [{key: "" if value is None else str(value) for key, value in row.items()} for row in json_rows]
    assert csv_rows == as_text
    cells = [
        text_of_html(cell)
        for cell in re.findall(r'<td class="govuk-table__cell peel-compare-table__grade">(.*?)</td>', html, re.S)
    ]
    names = dict(Force.objects.values_list("slug", "short_name"))
    assert cells == [f"{names[row['force']]}: {row['grade_label']}{MARKS[row['change']]}" for row in json_rows]
    assert [(row["year"], row["force"]) for row in json_rows] == [
        ("2021-22", "essex"),
        ("2021-22", "kent"),
        ("2017", "essex"),
        ("2017", "kent"),
        ("2016", "essex"),
        ("2016", "kent"),
    ]
    kent_2017 = json_rows[3]
    assert kent_2017["change"] == "better"
    assert kent_2017["page_url"] == "http://testserver/forces/kent/2017/"
    assert json_rows[0]["page_url"] == ""  # Essex has no 2021/22 assessment


def test_an_unknown_download_format_is_refused_in_plain_words(client, two_forces):
    response = compare(client, "kent", "essex", format="xlsx")
    assert response.status_code == 400
    assert response.content.decode() == "Choose format=csv or format=json."


@pytest.mark.parametrize(
    ("forces", "message"),
    [
        (["kent"], "Choose at least two forces"),
        ([""], "Choose at least two forces"),
        (["kent", "essex", "a", "b", "c", "d", "e"], "Choose forces from the list"),
        (["kent", "atlantis"], "Choose forces from the list"),
        (["kent", "<script>alert(1)</script>"], "Choose forces from the list"),
        (["kent", "x" * 5000], "Choose forces from the list"),
        (["kent", "kent"], "Choose each force once"),
        (["kent", "essex", "kent"], "Choose each force once"),
        (["kent", "essex"] * 40, "Choose no more than six forces"),
        (["atlantis"] * 1000, "Choose no more than six forces"),
    ],
)
def test_a_bad_choice_of_forces_is_explained_on_the_page_with_no_comparison(client, two_forces, forces, message):
    response = compare(client, *forces)
    assert response.status_code == 200
    page = text_of(response)
    html = response.content.decode()
    assert page.startswith("Error: Compare forces – PEEL assessments")
    assert f"There is a problem {message}" in page
    assert f'<a href="#id_force">{message}</a>' in html
    assert f"Error: {message}" in page
    assert 'id="id_force"' in html
    assert "<table" not in html
    assert "<script>alert" not in html
    assert "x" * 100 not in html


def test_more_than_six_known_forces_are_refused(client):
    for n in range(7):
        make_force(slug=f"force-{n}")
    page = text_of(compare(client, *[f"force-{n}" for n in range(7)]))
    assert "There is a problem Choose no more than six forces" in page


def test_six_forces_can_be_compared(client):
    forces, _ = make_world(forces=6, years=1)
    page = text_of(compare(client, *[force.slug for force in forces]))
    assert "Error" not in page
    assert "World 0, World 1, World 2, World 3, World 4 and World 5 side by side" in page


def test_a_force_can_be_ticked_on_the_empty_form_without_an_error(client, two_forces):
    html = client.get("/compare/", {"start": "kent"}).content.decode()
    assert 'value="kent" checked>' in html
    assert "There is a problem" not in html


def test_drafts_never_appear_on_the_page_or_in_its_downloads(client, two_forces):
    kent, essex = two_forces
    draft_year = make_year(first_year=2030, slug="2030", title="PEEL 2030", status=Status.DRAFT)
    pillar = make_pillar(year=draft_year, slug="efficiency", name="Efficiency")
    make_judgment(assessment=make_assessment(force=kent, year=draft_year), pillar=pillar, grade="inadequate")
    y2017 = essex.assessments.get(year__slug="2017").year
    hidden = make_assessment(force=make_force(slug="hidden"), year=y2017, status=Status.DRAFT)
    make_judgment(assessment=hidden, pillar=y2017.pillars.get(slug="efficiency"), grade="good")
    essex_2016 = essex.assessments.get(year__slug="2016")
    essex_2016.pillar_judgments.update(status=Status.DRAFT)
    response = compare(client, "kent", "essex")
    page = text_of(response)
    assert "PEEL 2030" not in page
    assert "Efficiency pillar Kent: Good Essex: No grade recorded" in page  # 2016, Essex's grade a draft
    assert distributions(response)[1:] == [
        "Outstanding 1, requires improvement 1, inadequate 1, no grade recorded here 2",  # not the draft "good"
        "Good 2, no grade recorded here 3",  # not Essex's draft grade
    ]
    rows = parse_json(compare(client, "kent", "essex", format="json").content)
    assert {row["year"] for row in rows} == {"2021-22", "2017", "2016"}
    assert [row["grade"] for row in rows if row["year"] == "2016"] == ["good", ""]


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("chosen", [2, 6])
def test_the_page_makes_a_fixed_number_of_queries(client, uncached, django_assert_num_queries, scale, chosen):
    forces, _ = make_world(forces=8 * scale, years=2 * scale)
    with django_assert_num_queries(7):  # with the consultation banner's query
        response = compare(client, *[force.slug for force in forces[:chosen]])
    assert response.status_code == 200
    with django_assert_num_queries(6):
        download = compare(client, *[force.slug for force in forces[:chosen]], format="csv")
    assert len(parse_csv(download.content.decode())) == chosen * 3 * 2 * scale


def test_a_refused_choice_or_the_empty_form_makes_two_queries(client, uncached, django_assert_num_queries):
    make_world(forces=8, years=2)
    with django_assert_num_queries(2):  # the forces, and the consultation banner
        client.get("/compare/")
    with django_assert_num_queries(2):
        compare(client, "atlantis", "world-1")


def test_the_page_answers_only_get_and_head(client):
    assert client.post("/compare/").status_code == 405


def test_the_force_page_links_to_comparisons_with_forces_in_its_region(client, two_forces):
    response = client.get("/forces/kent/")
    html = response.content.decode()
    page = text_of(response)
    assert "Compare Kent with other forces" in page
    assert '<a class="govuk-link" href="/compare/?force=kent&amp;force=surrey">Compare' in html
    assert "Compare Kent with Surrey" in page
    assert "with Essex" not in page  # another region
    assert '<a class="govuk-link" href="/compare/?start=kent">Choose other forces to compare with Kent</a>' in html


def test_compare_forces_is_in_the_service_navigation(client):
    html = client.get("/compare/").content.decode()
    assert re.search(r'href="/compare/" aria-current="page">\s*<strong[^>]*>Compare forces</strong>', html)


class TestWithTheRealData:
    URL = "/compare/?force=kent&force=essex&force=surrey&force=sussex&force=merseyside&force=cumbria"

    def test_six_forces_across_every_year_break_at_the_new_framework(self, client, peel_data):
        page = text_of(client.get(self.URL))
        captions = re.findall(r"(PEEL \S+) grades for Kent, Essex, Surrey, Sussex, Merseyside and Cumbria", page)
        assert captions == [
            "PEEL 2023–2025",
            "PEEL 2021/22",
            "PEEL 2018/19",
            "PEEL 2017",
            "PEEL 2016",
            "PEEL 2015",
            "PEEL 2014",
        ]
        break_at = page.index("Before PEEL 2021/22: a different grading framework")
        assert page.index("PEEL 2021/22 grades for") < break_at < page.index("PEEL 2018/19 grades for")
        assert "Before PEEL 2023–2025" not in page  # the same five-point scale, so comparable
        assert "Arrows compare each grade with the same force’s grade in PEEL 2021/22." in page
        assert page.count(NOT_COMPARABLE_WARNING) == 3
        assert "No grade recorded" in page

    def test_the_downloads_agree_with_each_other_for_the_real_data(self, client, peel_data):
        csv_rows = parse_csv(client.get(self.URL + "&format=csv").content.decode())
        json_rows = parse_json(client.get(self.URL + "&format=json").content)
        assert csv_rows == [{k: "" if v is None else str(v) for k, v in row.items()} for row in json_rows]
        assert json_rows[0]["year"] == "2023-25"
        assert json_rows[-1]["year"] == "2014"
        assert [row["force"] for row in json_rows[:6]] == ["kent", "essex", "surrey", "sussex", "merseyside", "cumbria"]


def test_a_year_with_no_assessment_of_any_chosen_force_is_named_not_tabled(client, two_forces):
    make_year(first_year=2014, slug="2014", title="PEEL 2014", label="2014")
    make_year(first_year=2015, slug="2015", title="PEEL 2015", label="2015")
    response = compare(client, "essex", "wiltshire")
    html = response.content.decode()
    page = text_of(response)
    assert "This site holds no PEEL 2021/22, PEEL 2015 or PEEL 2014 assessment for Essex and Wiltshire" in page
    assert "so those years are not on this page." in page
    assert 'id="year-2016"' in html and 'id="year-2017"' in html
    assert 'id="year-2021-22"' not in html and 'id="year-2014"' not in html
    # Essex has a 2016 and a 2017 grade; Wiltshire none: its cells still say so.
    assert "Wiltshire: No grade recorded" in page
    csv = parse_csv(compare(client, "essex", "wiltshire", format="csv").content.decode())
    assert {row["year"] for row in csv} == {"2016", "2017"}
