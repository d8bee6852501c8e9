import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from forces.models import Force, KeyFact, Region
from inspections.loading import DATA_DIR
from inspections.models import Assessment, InspectionYear, Pillar, PillarJudgment, Question, QuestionJudgment
from peel.publishing import Status

pytestmark = pytest.mark.django_db


def load(*args):
    out = io.StringIO()
    call_command("load_peel_data", *args, stdout=out)
    return out.getvalue()


def copy_data(tmp_path):
    """A copy of the real data that a test may spoil."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


@pytest.fixture
def data_dir(tmp_path):
    return copy_data(tmp_path)


def spoil(path, line_number, new_line):
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_number - 1] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_real_data_loads_every_force_year_question_and_grade():
    output = load()

    assert Force.objects.count() == 43
    assert Region.objects.count() == 10
    assert InspectionYear.objects.count() == 7
    assert Pillar.objects.count() == 37
    assert Question.objects.count() == 52
    graded = PillarJudgment.objects.exclude(grade="").count() + QuestionJudgment.objects.exclude(grade="").count()
    assert graded == 1081
    assert PillarJudgment.objects.filter(not_graded=True).count() == 2
    assert "forces: 43 created, 0 changed, 0 unchanged" in output


def test_every_row_of_the_judgments_file_lands_as_a_grade_or_not_graded():
    rows = len((DATA_DIR / "peel_judgments.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert rows == 1083
    load()
    pillar_rows = PillarJudgment.objects.exclude(grade="", not_graded=False).count()
    question_rows = QuestionJudgment.objects.exclude(grade="").count()
    assert pillar_rows + question_rows == rows

    second = load()

    assert "total: 0 created, 0 changed" in second
    assert PillarJudgment.objects.exclude(grade="", not_graded=False).count() == pillar_rows


def test_loaded_grades_match_the_published_source():
    load("--no-demo")
    kent_2016 = PillarJudgment.objects.filter(assessment__force__slug="kent", assessment__year__slug="2016")
    assert dict(kent_2016.values_list("pillar__slug", "grade")) == {
        "effectiveness": "good",
        "efficiency": "good",
        "legitimacy": "outstanding",
    }
    efficiency_q1 = QuestionJudgment.objects.get(
        pillar_judgment__in=kent_2016, question__pillar__slug="efficiency", question__number=1
    )
    assert efficiency_q1.grade == "outstanding"


def test_greater_manchester_2017_efficiency_and_legitimacy_load_as_not_graded():
    load("--no-demo")
    gmp = PillarJudgment.objects.filter(assessment__force__slug="greater-manchester", assessment__year__slug="2017")
    withheld = gmp.filter(not_graded=True)
    assert sorted(withheld.values_list("pillar__slug", flat=True)) == ["efficiency", "legitimacy"]
    assert set(withheld.values_list("grade", flat=True)) == {""}


def test_scales_and_ungraded_pillars_come_from_the_data():
    load("--no-demo")
    assert InspectionYear.objects.get(slug="2016").scale == "four-point"
    assert InspectionYear.objects.get(slug="2021-22").scale == "five-point"
    assert not Pillar.objects.get(year__slug="2014", slug="effectiveness").graded
    assert Pillar.objects.get(year__slug="2014", slug="efficiency").graded
    assert not Pillar.objects.get(year__slug="2015", slug="leadership").graded
    assert not Question.objects.get(pillar__year__slug="2016", pillar__slug="effectiveness", number=5).graded


def test_loaded_content_is_published():
    load("--no-demo")
    assert not Assessment.objects.exclude(status=Status.PUBLISHED).exists()
    assert PillarJudgment.objects.published().count() == PillarJudgment.objects.count()


def test_a_second_load_creates_and_changes_nothing():
    load()
    second = load()
    assert "total: 0 created, 0 changed" in second
    assert "forces: 0 created, 0 changed, 43 unchanged" in second


def test_a_reload_keeps_an_editors_changes_to_publication_and_names():
    load("--no-demo")
    Assessment.objects.filter(force__slug="kent", year__slug="2016").update(status=Status.DRAFT)
    Force.objects.filter(slug="hampshire").update(short_name="Hampshire and Isle of Wight")
    load("--no-demo")
    assert Assessment.objects.get(force__slug="kent", year__slug="2016").status == Status.DRAFT
    assert Force.objects.get(slug="hampshire").short_name == "Hampshire and Isle of Wight"


def test_a_reload_corrects_a_grade_that_differs_from_the_data():
    load("--no-demo")
    PillarJudgment.objects.filter(
        assessment__force__slug="kent", assessment__year__slug="2016", pillar__slug="legitimacy"
    ).update(grade="good")
    output = load("--no-demo")
    assert "pillar judgments: 0 created, 1 changed" in output


def test_the_demo_narrative_loads_for_kent_2015_and_2016():
    load()
    kent_2016 = Assessment.objects.get(force__slug="kent", year__slug="2016")
    assert kent_2016.inspector.name == "Zoë Billingham"
    assert kent_2016.observations
    efficiency = kent_2016.pillar_judgments.get(pillar__slug="efficiency")
    assert efficiency.last_updated.isoformat() == "2016-11-03"
    assert efficiency.summary
    assert (
        Assessment.objects.get(force__slug="kent", year__slug="2015")
        .pillar_judgments.get(pillar__slug="efficiency")
        .summary
    )
    frontline = KeyFact.objects.get(force__slug="kent", measure="frontline-share")
    assert (frontline.value, frontline.national_value) == (94, 92)


@pytest.mark.parametrize(
    ("file", "line", "content", "reason"),
    [
        (
            "peel_judgments.csv",
            300,
            "2017,kent,efficiency,,excellent,https://example.org/",
            "unknown grade 'excellent'",
        ),
        (
            "peel_judgments.csv",
            "2016,kent,efficiency,,",
            "2016,kent,efficiency,,adequate,https://example.org/",
            "does not use “adequate”",
        ),
        ("peel_judgments.csv", 500, "2016,atlantis,efficiency,,good,https://example.org/", "unknown force 'atlantis'"),
        ("peel_judgments.csv", 600, "2016,kent,efficiency,9,good,https://example.org/", "has no question 9"),
        ("peel_judgments.csv", 700, "2016,kent,effectiveness,5,good,https://example.org/", "is not graded"),
        ("peel_questions.csv", 20, "2015,efficiency,two,Question?,yes", "whole number"),
        ("peel_years.csv", 3, "2015,PEEL 2015,excellent|good,2016-02,", "unknown grading scale"),
        ("forces.csv", 10, "Dorset Police,dorset,South West,Scotland,,,", "country must be England or Wales"),
    ],
)
def test_a_bad_row_stops_the_load_naming_file_and_line_and_loads_nothing(data_dir, file, line, content, reason):
    if isinstance(line, str):  # the row that starts with this text
        line = next(n for n, text in enumerate((data_dir / file).open(encoding="utf-8"), 1) if text.startswith(line))
    spoil(data_dir / file, line, content)
    with pytest.raises(CommandError) as error:
        load("--data-dir", str(data_dir))
    assert str(error.value).startswith(f"{file}:{line}: ")
    assert reason in str(error.value)
    assert Force.objects.count() == 0
    assert PillarJudgment.objects.count() == 0


def test_a_repeated_row_is_reported_with_both_lines(data_dir):
    path = data_dir / "peel_judgments.csv"
    second_line = path.read_text(encoding="utf-8").splitlines()[1]
    spoil(path, 780, second_line)
    with pytest.raises(CommandError, match=r"peel_judgments.csv:780: this grade repeats line 2"):
        load("--data-dir", str(data_dir))


def test_a_failed_reload_leaves_the_earlier_load_as_it_was(data_dir):
    load("--no-demo")
    before = list(PillarJudgment.objects.order_by("pk").values_list("pk", "grade"))
    path = data_dir / "peel_judgments.csv"
    text = path.read_text(encoding="utf-8").replace(
        "2016,kent,legitimacy,,outstanding", "2016,kent,legitimacy,,good", 1
    )
    path.write_text(text + "2016,kent,efficiency,,brilliant,https://example.org/\n", encoding="utf-8")
    with pytest.raises(CommandError):
        load("--data-dir", str(data_dir), "--no-demo")
    assert list(PillarJudgment.objects.order_by("pk").values_list("pk", "grade")) == before


def test_a_missing_column_is_reported_on_line_one(data_dir):
    path = data_dir / "forces.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("region,", "area,", 1), encoding="utf-8")
    with pytest.raises(CommandError, match=r"forces.csv:1: missing column\(s\): region"):
        load("--data-dir", str(data_dir))
