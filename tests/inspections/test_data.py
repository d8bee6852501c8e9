"""The Data page and the download of every published grade."""

import pytest

from inspections.rows import COLUMNS
from peel.downloads import as_csv, neutralise, parse_csv, parse_json
from peel.publishing import Status
from tests.factories import (
    make_assessment,
    make_force,
    make_judgment,
    make_question_judgment,
    make_world,
    make_year,
)
from tests.inspections.test_views import text_of

pytestmark = pytest.mark.django_db


def test_the_data_page_documents_every_column_and_scale(client):
    make_year(slug="2016", title="PEEL 2016")
    page = text_of(client.get("/data/"))
    for column in COLUMNS:
        assert f" {column} " in page, column
    assert "): four-point (outstanding, good, requires improvement, inadequate)" in page
    assert "No grade recorded: this site holds no grade for it yet." in page
    assert "Open Government Licence v3.0" in page


def test_every_published_grade_downloads_in_order_with_its_questions(client):
    judgment = make_judgment(grade="good")
    make_question_judgment(pillar_judgment=judgment, grade="outstanding")
    rows = parse_csv(client.get("/data/peel-grades.csv").content.decode("utf-8"))
    assert [(r["level"], r["grade"], r["question_number"]) for r in rows] == [
        ("pillar", "good", ""),
        ("question", "outstanding", "1"),
    ]
    assert rows[0]["page_url"] == f"http://testserver{judgment.get_absolute_url()}"
    assert parse_json(client.get("/data/peel-grades.json").content)[1]["question_number"] == 1


def test_drafts_are_not_in_the_download_of_every_grade(client):
    make_judgment(grade="good", status=Status.DRAFT)
    make_judgment(assessment=make_assessment(status=Status.DRAFT), grade="good")
    make_judgment(assessment=make_assessment(year=make_year(status=Status.DRAFT)), grade="good")
    kept = make_judgment(grade="inadequate")
    rows = parse_json(client.get("/data/peel-grades.json").content)
    assert [row["force"] for row in rows] == [kept.assessment.force.slug]


def test_an_unknown_format_is_refused(client):
    assert client.get("/data/peel-grades.xlsx").status_code == 400


def test_csv_is_utf8_with_a_header_and_opens_in_a_spreadsheet(client):
    make_judgment(assessment=make_assessment(force=make_force(name="Ynys Môn Police")))
    response = client.get("/data/peel-grades.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="peel-grades.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff" + ",".join(COLUMNS) + "\r\n")
    assert "Ynys Môn Police" in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+44", "'+44"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("a=b", "a=b")],
)
def test_a_cell_a_spreadsheet_would_run_is_neutralised(value, cell):
    assert neutralise(value) == cell
    assert parse_csv(as_csv([{"grade": value}], ["grade"])) == [{"grade": cell}]


def test_commas_quotes_and_new_lines_survive_a_round_trip():
    value = 'Kent, "the Garden of England"\nand Medway'
    assert parse_csv(as_csv([{"force_name": value}], ["force_name"])) == [{"force_name": value}]


@pytest.mark.parametrize("scale", [1, 10])
def test_the_download_of_every_grade_makes_two_queries(client, uncached, django_assert_num_queries, scale):
    make_world(forces=2 * scale, years=2 * scale)
    with django_assert_num_queries(2):
        assert client.get("/data/peel-grades.csv").status_code == 200
