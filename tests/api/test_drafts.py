"""Drafts never reach the API: not a draft year, nor a published assessment in it, nor a draft assessment, nor a
draft judgment (nor the question grades under it) on a published assessment."""

import pytest

from .helpers import SECRET, get_json

pytestmark = pytest.mark.django_db

EVERY_ANSWER = [
    "/api/v1/",
    "/api/v1/regions/",
    "/api/v1/regions/eastern/",
    "/api/v1/forces/",
    "/api/v1/forces/durham/",
    "/api/v1/years/",
    "/api/v1/years/2016/",
    "/api/v1/years/2016/table/",
    "/api/v1/years/2016/table/?level=question",
    "/api/v1/years/2016/table/?pillar=efficiency&grade=inadequate&grade=none",
    "/api/v1/assessments/",
    "/api/v1/assessments/?force=kent",
    "/api/v1/assessments/?force=durham",
    "/api/v1/assessments/kent/2016/",
    "/api/v1/judgments/",
    "/api/v1/judgments/?force=kent&pillar=efficiency",
    "/api/v1/judgments/?level=question",
    "/api/v1/judgments/?pillar=efficiency",
]


@pytest.mark.parametrize("url", EVERY_ANSWER)
def test_no_answer_holds_anything_from_a_draft(client, drafts, url):
    response = client.get(url)
    assert response.status_code == 200
    assert SECRET not in response.content.decode().lower()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/years/{SECRET}-year/",
        f"/api/v1/years/{SECRET}-year/table/",
        f"/api/v1/assessments/kent/{SECRET}-year/",
        "/api/v1/assessments/durham/2016/",
    ],
)
def test_a_draft_or_anything_under_one_is_not_found(client, drafts, url):
    get_json(client, url, status=404)


@pytest.mark.parametrize("url", [f"/api/v1/assessments/?year={SECRET}-year", f"/api/v1/judgments/?year={SECRET}-year"])
def test_a_draft_year_is_refused_as_a_filter_like_an_unknown_one(client, drafts, url):
    assert list(get_json(client, url, status=400)["errors"]) == ["year"]


def test_lists_and_counts_leave_drafts_out(client, drafts):
    assert [year["slug"] for year in get_json(client, "/api/v1/years/")["results"]] == ["2016"]
    assessments = get_json(client, "/api/v1/assessments/")["results"]
    assert [(a["force"]["slug"], a["year"]["slug"]) for a in assessments] == [("essex", "2016"), ("kent", "2016")]
    kent = get_json(client, "/api/v1/assessments/kent/2016/")
    assert [pillar["pillar"] for pillar in kent["pillars"]] == ["effectiveness", "legitimacy"]
    year = get_json(client, "/api/v1/years/2016/")
    assert (year["recorded_grade_count"], year["graded_force_count"]) == (3, 2)
    assert get_json(client, "/api/v1/judgments/?force=durham")["count"] == 0
    table = get_json(client, "/api/v1/years/2016/table/?pillar=efficiency")
    assert {(row["force"], row["grade_label"]) for row in table["rows"]} == set()
