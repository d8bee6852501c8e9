"""A year's table at pillar and question level, filtered, sorted and grouped through the query string, and its
CSV and JSON downloads, which hold the table's cells row for row."""

import re

import pytest

from forces.models import Force
from inspections.models import Scale
from peel.downloads import parse_csv, parse_json
from peel.publishing import Status
from tests.factories import (
    make_assessment,
    make_force,
    make_judgment,
    make_pillar,
    make_question,
    make_region,
    make_year,
)
from tests.factories import make_question_judgment as make_answer
from tests.inspections.test_views import text_of, text_of_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(db):
    """PEEL 2017 for four forces in two regions: two graded pillars with two questions each, one ungraded
    pillar, a force with some grades missing and a force with none."""
    year = make_year(slug="2017", title="PEEL 2017", label="2017", first_year=2017)
    north, south = make_region(), make_region()
    forces = {
        name: make_force(name=f"{name} Police", short_name=name, slug=name.lower(), region=region)
        for name, region in [("Kent", south), ("Essex", south), ("Durham", north), ("Cumbria", north)]
    }
    effectiveness = make_pillar(year=year, name="Effectiveness", slug="effectiveness", position=1)
    efficiency = make_pillar(year=year, name="Efficiency", slug="efficiency", position=2)
    make_pillar(year=year, name="Leadership", slug="leadership", position=3, graded=False)
    questions = {p.slug: [make_question(pillar=p, number=n) for n in (1, 2)] for p in (effectiveness, efficiency)}
    grades = {
        "Kent": {"effectiveness": ("good", ["good", "outstanding"]), "efficiency": ("outstanding", ["good", ""])},
        "Essex": {"effectiveness": ("requires-improvement", ["inadequate", "good"]), "efficiency": ("good", [])},
        "Durham": {"effectiveness": ("inadequate", ["inadequate", "requires-improvement"])},
    }
    for name, by_pillar in grades.items():
        assessment = make_assessment(force=forces[name], year=year)
        for pillar in (effectiveness, efficiency):
            if pillar.slug not in by_pillar:
                continue
            grade, answers = by_pillar[pillar.slug]
            judgment = make_judgment(assessment=assessment, pillar=pillar, grade=grade)
            for question, answer in zip(questions[pillar.slug], answers, strict=False):
                make_answer(pillar_judgment=judgment, question=question, grade=answer)
    return year


def table_rows(html):
    """The table's rows as (force slug, [cell text]) in the page's order, read from its HTML."""
    rows = []
    for body in re.findall(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S):
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
            slug = re.search(r'href="/forces/([^/"]+)/', row).group(1)
            cells = []
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S):
                text = re.sub(r"<span class=\"peel-cell-label\">.*?</span>", "", cell, flags=re.S)
                text = text_of_html(text)
                cells.append("No grade recorded" if text.startswith("–") else text)
            rows.append((slug, cells))
    return rows


def download_rows(client, url, fmt):
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}format={fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = parse_csv(response.content.decode("utf-8")) if fmt == "csv" else parse_json(response.content)
    grouped = []
    for row in rows:
        if not grouped or grouped[-1][0] != row["force"]:
            grouped.append((row["force"], []))
        grouped[-1][1].append(row["grade_label"])
    return grouped


QUERIES = [
    "",
    "?level=question",
    "?sort=effectiveness",
    "?sort=effectiveness&order=worst",
    "?level=question&sort=effectiveness-q1&order=worst",
    "?group=region",
    "?group=region&sort=efficiency&level=question",
    "?pillar=efficiency",
    "?level=question&pillar=effectiveness",
    "?grade=inadequate",
    "?grade=none",
    "?grade=outstanding&grade=inadequate&level=question",
    "?region=__north__",
    "?q=kent",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_downloads_hold_the_tables_cells_row_for_row(client, year, query):
    from forces.models import Force

    query = query.replace("__north__", Force.objects.get(slug="durham").region.slug)
    url = f"/peel/2017/{query}"
    shown = table_rows(client.get(url).content.decode())
    assert shown, url
    assert download_rows(client, url, "csv") == shown
    assert download_rows(client, url, "json") == shown


def test_pillar_level_lists_forces_with_grades_and_names_the_rest_once(client, year):
    page = text_of(client.get("/peel/2017/"))
    assert "Grades are recorded here for 3 of the 4 forces; 2 of them have a grade in every column." in page
    assert "“Leadership” was inspected but not graded, so it has no column here." in page
    assert "No grade recorded here for 1 force" in page
    assert [slug for slug, _ in table_rows(client.get("/peel/2017/").content.decode())] == ["durham", "essex", "kent"]


def test_question_level_shows_each_graded_question_under_its_pillar(client, year):
    html = client.get("/peel/2017/?level=question").content.decode()
    page = text_of_html(html)
    assert "PEEL 2017: every force’s grades by question" in page
    assert "Effectiveness Efficiency Force Q1 Effectiveness question 1 Q2 Effectiveness question 2" in page
    assert dict(table_rows(html))["kent"] == ["Good", "Outstanding", "Good", "No grade recorded"]


def test_sorting_puts_the_best_or_worst_grade_first_and_missing_grades_last(client, year):
    best = [slug for slug, _ in table_rows(client.get("/peel/2017/?sort=efficiency").content.decode())]
    worst = [slug for slug, _ in table_rows(client.get("/peel/2017/?sort=efficiency&order=worst").content.decode())]
    assert best == ["kent", "essex", "durham"]
    assert worst == ["essex", "kent", "durham"]


def test_question_level_heads_each_pillar_over_its_questions_and_names_each_question_in_full(client, year):
    html = client.get("/peel/2017/?level=question").content.decode()
    head = re.search(r"<thead[^>]*>(.*?)</thead>", html, flags=re.S).group(1)
    groups = re.findall(r'<th scope="colgroup" colspan="(\d+)"[^>]*>([^<]+)</th>', head)
    assert groups == [("2", "Effectiveness"), ("2", "Efficiency")]
    assert '<span aria-hidden="true">Q2</span><span class="govuk-visually-hidden">Efficiency question 2</span>' in head


def test_the_sorted_column_says_which_way_it_is_sorted(client, year):
    def sorted_headers(query):
        html = client.get(f"/peel/2017/{query}").content.decode()
        return re.findall(r'<th scope="col" class="govuk-table__header" aria-sort="(\w+)">([^<]+)</th>', html)

    assert sorted_headers("?sort=efficiency") == [("ascending", "Efficiency")]
    assert sorted_headers("?sort=efficiency&order=worst") == [("descending", "Efficiency")]
    assert sorted_headers("") == []


def test_grouping_by_region_gives_a_table_per_region(client, year):
    html = client.get("/peel/2017/?group=region&sort=effectiveness").content.decode()
    assert html.count('<table class="govuk-table peel-year-table') == 2
    tables = re.findall(
        r'<h2 class="govuk-heading-m">([^<]+)</h2>\s*<table[^>]*>\s*<caption[^>]*>([^<]+)</caption>', html
    )
    north, south = (Force.objects.get(slug=slug).region.name for slug in ("durham", "kent"))
    assert sorted(tables) == sorted(
        [
            (north, f"PEEL 2017 grades: {north} (1 force), best effectiveness grade first"),
            (south, f"PEEL 2017 grades: {south} (2 forces), best effectiveness grade first"),
        ]
    )


def test_the_grade_filter_keeps_forces_with_that_grade(client, year):
    rows = dict(table_rows(client.get("/peel/2017/?grade=inadequate&pillar=effectiveness").content.decode()))
    assert list(rows) == ["durham"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?level=everything", "Choose pillars and areas, or questions"),
        ("?sort=nonsense", "Choose a column to sort by from the list"),
        ("?grade=adequate", "Choose grades from the list"),
        ("?pillar=leadership", "Choose a pillar or area from the list"),
        ("?order=sideways", "Choose best or worst grade first"),
        ("?q=" + "x" * 200, "Force name must be 100 characters or fewer"),
    ],
)
def test_bad_choices_give_the_page_with_a_message(client, year, query, message):
    response = client.get(f"/peel/2017/{query}")
    assert response.status_code == 200
    page = text_of(response)
    assert page.startswith("Error: PEEL 2017")
    assert f"There is a problem {message}" in page


def test_an_unknown_download_format_is_refused(client, year):
    response = client.get("/peel/2017/?format=xlsx")
    assert response.status_code == 400
    assert b"format=csv" in response.content


def test_a_summary_counts_each_grade_from_the_tables_own_rows(client, year):
    html = client.get("/peel/2017/?pillar=effectiveness").content.decode()
    summary = html.split('class="peel-chart peel-summary', 1)[1].split("</figure>", 1)[0]
    counts = re.findall(r'peel-summary__count--([a-z-]+)"[^>]*>(\d+)<', summary)
    assert counts == [("good", "1"), ("requires-improvement", "1"), ("inadequate", "1")]
    assert "How many of the 3 forces in the table below got each grade" in text_of_html(summary)


def test_a_draft_assessment_or_judgment_is_in_neither_the_table_nor_its_downloads(client, year):
    from forces.models import Force

    cumbria = Force.objects.get(slug="cumbria")
    draft = make_assessment(force=cumbria, year=year, status=Status.DRAFT)
    make_judgment(assessment=draft, pillar=year.pillars.get(slug="efficiency"), grade="outstanding")
    kent = year.assessments.get(force__slug="kent")
    kent.pillar_judgments.filter(pillar__slug="efficiency").update(status=Status.DRAFT)
    html = client.get("/peel/2017/").content.decode()
    assert "cumbria" not in dict(table_rows(html))
    assert dict(table_rows(html))["kent"] == ["Good", "No grade recorded"]
    rows = parse_csv(client.get("/peel/2017/?format=csv&level=question").content.decode())
    assert "cumbria" not in {row["force"] for row in rows}
    kent_efficiency = [row["grade_label"] for row in rows if row["force"] == "kent" and row["pillar"] == "efficiency"]
    assert kent_efficiency == ["No grade recorded", "No grade recorded"]


def test_a_five_point_year_offers_adequate(client):
    year = make_year(slug="2021-22", title="PEEL 2021/22", scale=Scale.FIVE_POINT)
    make_judgment(assessment=make_assessment(year=year), pillar=make_pillar(year=year), grade="adequate")
    page = text_of(client.get("/peel/2021-22/?grade=adequate"))
    assert "Showing the 1 force with “adequate” in this column." in page


def test_csv_neutralises_formulas_and_keeps_everything_else(client, year):
    from inspections.models import PillarJudgment

    PillarJudgment.objects.filter(assessment__force__slug="kent").update(source_url='=HYPERLINK("x")')
    rows = parse_csv(client.get("/peel/2017/?format=csv").content.decode("utf-8"))
    assert {row["source_url"] for row in rows if row["force"] == "kent"} == {'\'=HYPERLINK("x")'}
    json_rows = parse_json(client.get("/peel/2017/?format=json").content)
    assert {row["source_url"] for row in json_rows if row["force"] == "kent"} == {'=HYPERLINK("x")'}


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("query", ["", "?level=question&group=region&sort=efficiency", "?format=csv&level=question"])
def test_the_year_table_makes_a_fixed_number_of_queries(client, uncached, django_assert_num_queries, scale, query):
    from tests.factories import make_world

    _, years = make_world(forces=4 * scale, years=2 * scale)
    with django_assert_num_queries({"": 7, "?format=csv&level=question": 6}.get(query, 8)):
        response = client.get(years[-1].get_absolute_url() + query)
    assert response.status_code == 200


def test_a_year_with_question_grades_points_to_them_from_its_pillar_table(client, year):
    assert "see the grade for each question" in text_of(client.get("/peel/2017/"))
    assert "see the grade for each question" not in text_of(client.get("/peel/2017/?level=question"))
