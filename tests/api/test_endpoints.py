"""What each endpoint of the API says about a small published world."""

import pytest

from .helpers import get_json

pytestmark = pytest.mark.django_db

API = "http://testserver/api/v1"
SITE = "http://testserver"


def test_the_root_lists_every_endpoint_with_the_schema_and_the_docs(client):
    assert get_json(client, "/api/v1/") == {
        "region": f"{API}/regions/",
        "force": f"{API}/forces/",
        "year": f"{API}/years/",
        "assessment": f"{API}/assessments/",
        "judgment": f"{API}/judgments/",
        "schema": f"{API}/schema",
        "docs": f"{API}/docs/",
    }


def test_regions_list_their_forces(client, world):
    page = get_json(client, "/api/v1/regions/")
    assert page["count"] == 2
    assert page["next"] is None and page["previous"] is None
    eastern, south_east = page["results"]
    assert eastern["slug"] == "eastern"
    assert south_east == {
        "slug": "south-east",
        "name": "South East",
        "url": f"{API}/regions/south-east/",
        "forces": [
            {
                "slug": "kent",
                "name": "Kent Police",
                "short_name": "Kent",
                "url": f"{API}/forces/kent/",
                "page_url": f"{SITE}/forces/kent/",
            }
        ],
    }
    assert get_json(client, "/api/v1/regions/south-east/") == south_east


def test_a_force_has_its_region_and_the_other_names_it_is_found_by(client, world):
    assert get_json(client, "/api/v1/forces/kent/") == {
        "slug": "kent",
        "name": "Kent Police",
        "short_name": "Kent",
        "country": "england",
        "region": {"slug": "south-east", "name": "South East", "url": f"{API}/regions/south-east/"},
        "other_names": ["Garden of England", "Medway"],
        "url": f"{API}/forces/kent/",
        "page_url": f"{SITE}/forces/kent/",
    }


@pytest.mark.parametrize(
    ("query", "slugs"),
    [("", ["essex", "kent"]), ("?region=eastern", ["essex"]), ("?q=medway", ["kent"]), ("?q=the+garden", ["kent"])],
)
def test_forces_are_found_by_name_and_region_as_on_the_force_list(client, world, query, slugs):
    page = get_json(client, f"/api/v1/forces/{query}")
    assert [force["slug"] for force in page["results"]] == slugs
    assert page["count"] == len(slugs)


def test_a_year_has_its_scale_pillars_questions_and_coverage(client, world):
    year = get_json(client, "/api/v1/years/2016/")
    assert year["title"] == "PEEL 2016"
    assert year["scale"] == "four-point"
    assert year["allowed_grades"] == ["outstanding", "good", "requires-improvement", "inadequate"]
    assert [(p["slug"], p["graded"]) for p in year["pillars"]] == [
        ("effectiveness", True),
        ("legitimacy", True),
        ("leadership", False),
    ]
    assert year["pillars"][0]["questions"] == [
        {"number": 1, "text": "How well does the force prevent crime?", "graded": True}
    ]
    assert (year["graded_pillar_count"], year["recorded_grade_count"], year["graded_force_count"]) == (2, 3, 2)
    assert year["table_url"] == f"{API}/years/2016/table/"
    assert year["page_url"] == f"{SITE}/peel/2016/"
    assert get_json(client, "/api/v1/years/")["results"] == [year]


def test_an_assessment_lists_its_pillar_grades(client, world):
    page = get_json(client, "/api/v1/assessments/?force=kent")
    [assessment] = page["results"]
    assert assessment["force"]["slug"] == "kent"
    assert assessment["region"]["slug"] == "south-east"
    assert assessment["year"]["slug"] == "2016"
    assert assessment["url"] == f"{API}/assessments/kent/2016/"
    assert assessment["page_url"] == f"{SITE}/forces/kent/2016/"
    assert [(p["pillar"], p["grade"], p["grade_label"]) for p in assessment["pillars"]] == [
        ("effectiveness", "good", "Good"),
        ("legitimacy", "requires-improvement", "Requires improvement"),
    ]
    assert assessment["pillars"][0]["page_url"] == f"{SITE}/forces/kent/2016/effectiveness/"
    assert "observations" not in assessment


def test_one_assessment_adds_its_writing_and_question_grades(client, world):
    assessment = get_json(client, "/api/v1/assessments/kent/2016/")
    assert assessment["observations"] == "Kent is **good**."
    assert assessment["narrative_origin"] == "inspectorate"
    effectiveness = assessment["pillars"][0]
    assert effectiveness["source_url"] == "https://example.org/kent-2016"
    assert effectiveness["questions"] == [
        {
            "grade": "outstanding",
            "grade_label": "Outstanding",
            "source_url": "",
            "number": 1,
            "question": "How well does the force prevent crime?",
            "summary": "",
        }
    ]


@pytest.mark.parametrize(
    ("query", "forces"),
    [("?year=2016", ["essex", "kent"]), ("?region=south-east", ["kent"]), ("?force=essex&year=2016", ["essex"])],
)
def test_assessments_are_narrowed_by_year_force_and_region(client, world, query, forces):
    page = get_json(client, f"/api/v1/assessments/{query}")
    assert [assessment["force"]["slug"] for assessment in page["results"]] == forces


def brief(rows):
    return [(row["force"], row["pillar"], row["question_number"], row["grade"]) for row in rows]


ESSEX_EFFECTIVENESS = ("essex", "effectiveness", None, "inadequate")
KENT_EFFECTIVENESS = ("kent", "effectiveness", None, "good")
KENT_QUESTION = ("kent", "effectiveness", 1, "outstanding")
KENT_LEGITIMACY = ("kent", "legitimacy", None, "requires-improvement")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [ESSEX_EFFECTIVENESS, KENT_EFFECTIVENESS, KENT_QUESTION, KENT_LEGITIMACY]),
        ("?level=question", [KENT_QUESTION]),
        ("?level=pillar&region=south-east", [KENT_EFFECTIVENESS, KENT_LEGITIMACY]),
        ("?pillar=legitimacy", [KENT_LEGITIMACY]),
        ("?grade=inadequate&grade=outstanding", [ESSEX_EFFECTIVENESS, KENT_QUESTION]),
        ("?force=essex&year=2016", [ESSEX_EFFECTIVENESS]),
    ],
)
def test_judgments_are_every_grade_narrowed_by_the_filters(client, world, query, expected):
    page = get_json(client, f"/api/v1/judgments/{query}")
    assert brief(page["results"]) == expected
    assert page["count"] == len(expected)


def test_judgments_come_a_page_at_a_time(client, world):
    first = get_json(client, "/api/v1/judgments/?page_size=3")
    assert (first["count"], len(first["results"])) == (4, 3)
    assert first["next"] == f"{API}/judgments/?page=2&page_size=3"
    second = get_json(client, first["next"])
    assert brief(second["results"]) == [KENT_LEGITIMACY]
    assert second["next"] is None


def test_a_year_table_says_its_level_and_columns(client, world):
    from inspections.rows import COLUMNS

    table = get_json(client, "/api/v1/years/2016/table/?sort=effectiveness&order=worst")
    assert (table["year"], table["level"], table["columns"]) == ("2016", "pillar", COLUMNS)
    assert brief(table["rows"]) == [
        ESSEX_EFFECTIVENESS,
        ("essex", "legitimacy", None, ""),
        KENT_EFFECTIVENESS,
        KENT_LEGITIMACY,
    ]


def test_head_answers_like_get_without_a_body(client, world):
    response = client.head("/api/v1/forces/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""
