import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inspections.models import Assessment, Change, InspectionYear, PillarJudgment, Scale
from peel.publishing import Status
from tests.factories import (
    make_assessment,
    make_force,
    make_judgment,
    make_pillar,
    make_question,
    make_question_judgment,
    make_year,
)

pytestmark = pytest.mark.django_db


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_database_refuses_a_second_assessment_of_a_force_in_a_year():
    assessment = make_assessment()
    refused_by_database(lambda: Assessment.objects.create(force=assessment.force, year=assessment.year))


def test_database_refuses_a_second_judgment_for_a_pillar():
    judgment = make_judgment()
    refused_by_database(lambda: PillarJudgment.objects.create(assessment=judgment.assessment, pillar=judgment.pillar))


def test_database_refuses_two_questions_with_one_number_in_a_pillar():
    question = make_question(number=2)
    refused_by_database(lambda: make_question(pillar=question.pillar, number=2))


def test_the_same_question_number_is_fine_in_another_pillar():
    question = make_question(number=1)
    assert make_question(pillar=make_pillar(year=question.pillar.year), number=1).number == 1


def test_database_refuses_question_number_zero():
    refused_by_database(make_question_zero)


def make_question_zero():
    from inspections.models import Question

    Question.objects.create(pillar=make_pillar(), number=0, text="Zero?")


def test_database_refuses_a_grade_that_is_not_on_any_scale():
    refused_by_database(lambda: make_judgment(grade="excellent"))


def test_database_refuses_a_grade_on_a_judgment_marked_not_graded():
    refused_by_database(lambda: make_judgment(grade="good", not_graded=True))


def test_database_refuses_two_pillars_with_one_slug_in_a_year():
    pillar = make_pillar(slug="efficiency")
    refused_by_database(lambda: make_pillar(year=pillar.year, slug="efficiency"))


def messages(error):
    return " ".join(m for ms in error.value.message_dict.values() for m in ms)


def test_adequate_is_refused_in_a_four_point_year():
    judgment = make_judgment(assessment=make_assessment(year=make_year(title="PEEL 2016")))
    judgment.grade = "adequate"
    with pytest.raises(ValidationError) as error:
        judgment.clean()
    assert "grade" in error.value.message_dict
    assert "PEEL 2016 does not use “adequate”" in messages(error)


def test_adequate_is_allowed_in_a_five_point_year():
    judgment = make_judgment(assessment=make_assessment(year=make_year(scale=Scale.FIVE_POINT)), grade="adequate")
    judgment.clean()


def test_a_grade_on_an_ungraded_pillar_is_refused():
    assessment = make_assessment()
    judgment = PillarJudgment(
        assessment=assessment, pillar=make_pillar(year=assessment.year, graded=False), grade="good"
    )
    with pytest.raises(ValidationError) as error:
        judgment.clean()
    assert "not graded" in messages(error)


def test_a_pillar_from_another_year_is_refused():
    judgment = PillarJudgment(assessment=make_assessment(), pillar=make_pillar(), grade="good")
    with pytest.raises(ValidationError) as error:
        judgment.clean()
    assert "pillar" in error.value.message_dict


def test_a_judgment_cannot_be_both_graded_and_not_graded():
    judgment = make_judgment()
    judgment.not_graded = True
    with pytest.raises(ValidationError) as error:
        judgment.clean()
    assert "not_graded" in error.value.message_dict


def test_a_question_judgment_for_a_question_of_another_pillar_is_refused():
    judgment = make_judgment()
    other = make_question(pillar=make_pillar(year=judgment.assessment.year))
    with pytest.raises(ValidationError) as error:
        make_question_judgment(pillar_judgment=judgment, question=other).clean()
    assert "question" in error.value.message_dict


def test_a_grade_on_an_ungraded_question_is_refused():
    judgment = make_judgment()
    question = make_question(pillar=judgment.pillar, graded=False)
    with pytest.raises(ValidationError) as error:
        make_question_judgment(pillar_judgment=judgment, question=question, grade="good").clean()
    assert "not graded" in messages(error)


def test_a_question_grade_follows_the_years_scale():
    judgment = make_judgment()
    with pytest.raises(ValidationError):
        make_question_judgment(pillar_judgment=judgment, grade="adequate").clean()


@pytest.mark.parametrize(
    ("grade", "previous", "expected"),
    [
        ("outstanding", "good", Change.BETTER),
        ("good", "good", Change.SAME),
        ("requires-improvement", "good", Change.WORSE),
        ("inadequate", "requires-improvement", Change.WORSE),
        ("good", "", None),
        ("", "good", None),
    ],
)
def test_change_from_the_year_before_follows_the_order_of_grades(grade, previous, expected):
    assert Change.between(grade, previous) == expected


def test_grades_on_different_scales_are_not_compared():
    assert Change.between("good", "good", comparable=False) == Change.NOT_COMPARABLE


def test_a_missing_grade_says_why():
    assessment = make_assessment()
    graded = make_pillar(year=assessment.year)
    ungraded = make_pillar(year=assessment.year, graded=False)
    assert make_judgment(assessment=assessment, pillar=graded, grade="").grade_status == ("", "No grade recorded")
    withheld = make_judgment(assessment=assessment, pillar=make_pillar(year=assessment.year), grade="", not_graded=True)
    assert withheld.grade_status == ("", "Not graded")
    assert make_judgment(assessment=assessment, pillar=ungraded, grade="").grade_status == ("", "Ungraded")


def test_content_is_public_only_when_it_and_everything_above_it_is_published():
    draft_year = make_year(status=Status.DRAFT)
    in_draft_year = make_judgment(assessment=make_assessment(year=draft_year))
    draft_assessment = make_judgment(assessment=make_assessment(status=Status.DRAFT))
    draft_judgment = make_judgment(status=Status.DRAFT)
    public = make_judgment()

    assert list(PillarJudgment.objects.published()) == [public]
    assert set(Assessment.objects.published()) == {public.assessment, draft_judgment.assessment}
    assert draft_year not in InspectionYear.objects.published()
    assert not in_draft_year.assessment.year.is_published
    assert not draft_assessment.assessment.is_published


def test_previous_year_is_the_published_year_straight_before():
    early = make_year(first_year=2015)
    make_year(first_year=2016, status=Status.DRAFT)
    late = make_year(first_year=2017)
    assert InspectionYear.objects.previous_to(late) == early
    assert InspectionYear.objects.previous_to(early) is None


def test_force_search_matches_full_and_short_names():
    kent = make_force(name="Kent Police", short_name="Kent", slug="kent")
    make_force(name="Essex Police", short_name="Essex", slug="essex")
    from forces.models import Force

    assert list(Force.objects.search("kent")) == [kent]
    assert Force.objects.search("  ").count() == 2


def test_coverage_counts_what_with_coverage_counts_leaving_drafts_out():
    """The pages' coverage() reads every year's counts at once; the API's with_coverage() reads them per year in
    subqueries. They count the same: published grades on graded pillars, and a recorded decision not to grade."""
    year, empty = make_year(first_year=2016), make_year(first_year=2017)
    make_year(first_year=2018, status=Status.DRAFT)
    graded, ungraded = make_pillar(year=year), make_pillar(year=year, graded=False)
    make_pillar(year=empty)
    kent, essex, durham = (make_assessment(year=year) for _ in range(3))
    make_judgment(assessment=kent, pillar=graded, grade="good")
    make_judgment(assessment=kent, pillar=ungraded, grade="")
    make_judgment(assessment=essex, pillar=graded, grade="", not_graded=True)
    make_judgment(assessment=durham, pillar=graded, grade="good", status=Status.DRAFT)
    make_judgment(assessment=make_assessment(year=year, status=Status.DRAFT), grade="good")

    def counts(years):
        return [(y.slug, y.graded_pillar_count, y.recorded_grade_count, y.graded_force_count) for y in years]

    coverage = InspectionYear.objects.coverage()
    assert counts(coverage) == [(empty.slug, 1, 0, 0), (year.slug, 2, 2, 2)]
    assert counts(coverage) == counts(InspectionYear.objects.published().with_coverage().order_by("-first_year"))
    assert {y.force_count for y in coverage} == {4}
