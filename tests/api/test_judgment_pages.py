"""The API's list of every grade builds only the page asked for, and its pages hold exactly the rows of the
download of every grade, in the same order, whatever the level and grades chosen."""

import pytest

from inspections.data import published_grades
from inspections.rows import PagedGradeRows, grade_rows
from peel.publishing import Status
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def absolute(path):
    return f"https://peel.example{path}"


@pytest.mark.parametrize(
    ("level", "grades"),
    [("", ()), ("pillar", ()), ("question", ()), ("", ("good",)), ("", ("none", "inadequate")), ("pillar", ("none",))],
)
def test_every_slice_is_the_same_as_the_whole_list_sliced(level, grades):
    forces, years = make_world(forces=5, years=2)
    judgment = years[0].pillars.first().judgments.first()
    judgment.grade = ""  # one pillar grade not recorded, for "none"
    judgment.save()
    whole = grade_rows(published_grades(), absolute, level=level, grades=grades)
    paged = PagedGradeRows(published_grades(), absolute, level=level, grades=grades)
    assert len(paged) == len(whole) > 0
    for start, stop in [(0, 1), (0, 7), (3, 11), (5, 6), (len(whole) - 4, len(whole) + 10), (2, 2)]:
        assert paged[start:stop] == whole[start:stop], (start, stop)
    assert paged[len(whole) - 1] == whole[-1]
    assert paged[-1] == whole[-1]


def test_the_pages_of_the_api_hold_every_published_grade_once(client, uncached):
    make_world(forces=3, years=2)
    from inspections.models import PillarJudgment

    PillarJudgment.objects.filter(pk=PillarJudgment.objects.first().pk).update(status=Status.DRAFT)
    whole = grade_rows(published_grades(), lambda path: f"http://testserver{path}")
    rows, url = [], "/api/v1/judgments/?page_size=7"
    while url:
        answer = client.get(url).json()
        assert answer["count"] == len(whole)
        rows += answer["results"]
        url = answer["next"]
    assert [row["page_url"] for row in rows] == [row["page_url"] for row in whole]
    assert [(row["question_number"], row["grade"]) for row in rows] == [
        (row["question_number"], row["grade"]) for row in whole
    ]
