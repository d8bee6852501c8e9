"""The API's grade rows are the downloads' rows: a year's table for a query string holds the rows of the
year's JSON download for the same query string, and every judgment the rows of the download of every grade."""

import pytest

from peel.downloads import parse_json
from tests.factories import make_world

from .helpers import get_json

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "",
        "level=question",
        "region=south-east",
        "q=essex",
        "pillar=legitimacy",
        "grade=good&grade=inadequate",
        "grade=none",
        "sort=effectiveness&order=worst",
        "level=question&sort=effectiveness-q1&group=region",
        "group=region&order=worst&sort=legitimacy",
    ],
)
def test_a_year_table_holds_the_rows_of_its_download_for_the_same_query(client, world, query):
    table = get_json(client, f"/api/v1/years/2016/table/?{query}")
    download = parse_json(client.get(f"/peel/2016/?{query}&format=json").content)
    assert download, "every query here keeps some rows"
    assert table["rows"] == download


@pytest.mark.parametrize("query", ["", "level=question&group=region", "sort=legitimacy&order=worst&grade=good"])
def test_a_larger_year_table_holds_the_rows_of_its_download_too(client, query):
    _, years = make_world(forces=12, years=2)
    year = years[-1]
    table = get_json(client, f"/api/v1/years/{year.slug}/table/?{query}")
    assert table["rows"] == parse_json(client.get(f"/peel/{year.slug}/?{query}&format=json").content)
    assert len(table["rows"]) >= 12


def test_every_judgment_is_the_download_of_every_grade(client):
    make_world(forces=5, years=3)
    rows = get_json(client, "/api/v1/judgments/?page_size=500")["results"]
    assert rows == parse_json(client.get("/data/peel-grades.json").content)
    assert len(rows) == 5 * 3 * 3 * 3
