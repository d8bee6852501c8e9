import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.models import Consultation, Document, OutcomeCount, Phase, Question, Response
from consultations.references import ALPHABET, PATTERN, new_reference, normalise
from consultations.templatetags.consultations import day, when
from peel.publishing import Status
from tests.consultations.factories import DAY, make_consultation, make_question

pytestmark = pytest.mark.django_db

LONDON = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time


def refused(**values):
    with pytest.raises(IntegrityError), transaction.atomic():
        values.pop("model").objects.create(**values)


def test_the_phase_follows_the_clock_with_no_job_to_move_it():
    consultation = make_consultation(
        opens_at=datetime.datetime(2024, 9, 30, 9, tzinfo=LONDON),
        closes_at=datetime.datetime(2024, 10, 25, 23, 59, tzinfo=LONDON),
    )
    assert consultation.phase_at(datetime.datetime(2024, 9, 30, 8, 59, tzinfo=LONDON)) == Phase.UPCOMING
    assert consultation.phase_at(datetime.datetime(2024, 9, 30, 9, tzinfo=LONDON)) == Phase.OPEN
    assert consultation.phase_at(datetime.datetime(2024, 10, 25, 23, 59, tzinfo=LONDON)) == Phase.CLOSED
    consultation.outcome, consultation.outcome_published_on = "We heard you.", datetime.date(2025, 3, 1)
    assert consultation.phase_at(datetime.datetime(2025, 2, 28, 12, tzinfo=LONDON)) == Phase.CLOSED
    assert consultation.phase_at(datetime.datetime(2025, 3, 1, 12, tzinfo=LONDON)) == Phase.OUTCOME


def test_published_and_open_leave_out_drafts():
    shown = make_consultation()
    make_consultation(status=Status.DRAFT)
    closed = make_consultation(opens_at=timezone.now() - 9 * DAY, closes_at=timezone.now() - DAY)
    assert set(Consultation.objects.published()) == {shown, closed}
    assert list(Consultation.objects.open()) == [shown]
    assert list(Consultation.objects.for_banner()) == [shown]


def test_the_database_refuses_a_consultation_that_closes_before_it_opens():
    now = timezone.now()
    values = {"slug": "x", "title": "X", "summary": "x", "body": "x", "model": Consultation}
    refused(opens_at=now, closes_at=now, **values)
    refused(opens_at=now, closes_at=now + DAY, outcome_published_on=now.date(), **values)
    refused(opens_at=now, closes_at=now + DAY, time_to_answer=0, **values)


def test_clean_explains_what_the_constraints_refuse():
    consultation = make_consultation()
    consultation.closes_at = consultation.opens_at - DAY
    with pytest.raises(ValidationError, match="closing time must be after the opening time"):
        consultation.full_clean()
    consultation = make_consultation()
    consultation.outcome_published_on = timezone.localdate()
    with pytest.raises(ValidationError, match="Write the outcome"):
        consultation.full_clean()


def test_documents_link_only_to_web_addresses():
    consultation = make_consultation()
    refused(model=Document, consultation=consultation, title="Bad", url="javascript:alert(1)")
    document = Document(consultation=consultation, title="Bad", url="ftp://example.org/file.pdf")
    with pytest.raises(ValidationError, match="http:// or https://"):
        document.full_clean()
    Document.objects.create(consultation=consultation, title="Good", url="https://example.org/")


def test_questions_are_numbered_once_each_and_limits_stay_in_range():
    consultation = make_consultation()
    make_question(consultation, position=1)
    refused(model=Question, consultation=consultation, position=1, text="Again?")
    refused(model=Question, consultation=consultation, position=0, text="Zero?")
    refused(model=Question, consultation=consultation, position=2, text="Huge?", max_length=10**6)
    refused(model=Question, consultation=consultation, position=3, text="Odd?", kind="essay")
    choice = make_question(consultation, kind="one-choice", choices=["Yes"])
    choice.max_length = 10
    with pytest.raises(ValidationError, match="Only text questions have a length limit"):
        choice.full_clean()


def test_outcome_counts_name_each_kind_of_respondent_once():
    consultation = make_consultation()
    OutcomeCount.objects.create(consultation=consultation, respondents="Police forces", count=28)
    refused(model=OutcomeCount, consultation=consultation, respondents="Police forces", count=1)


def test_responses_have_unique_well_formed_references_and_are_stored_once_per_submission():
    consultation = make_consultation()
    values = {"consultation": consultation, "respondent_type": "individual", "consent": "none"}
    Response.objects.create(reference="ABCD-EFGH", submission_key="one", **values)
    refused(model=Response, reference="ABCD-EFGH", submission_key="two", **values)
    refused(model=Response, reference="WXYZ-2345", submission_key="one", **values)
    refused(model=Response, reference="SHORT", submission_key="three", **values)
    refused(model=Response, reference="WXYZ-2346", submission_key="", **values)
    refused(model=Response, reference="WXYZ-2347", submission_key="four", **(values | {"consent": "maybe"}))
    refused(model=Response, reference="WXYZ-2348", submission_key="five", **(values | {"respondent_type": "robot"}))


def test_a_consultation_with_responses_cannot_be_deleted():
    from django.db.models import ProtectedError

    consultation = make_consultation()
    Response.objects.create(
        consultation=consultation, reference="ABCD-EFGH", submission_key="k", respondent_type="other", consent="none"
    )
    with pytest.raises(ProtectedError):
        consultation.delete()


def test_references_avoid_characters_that_look_alike():
    references = {new_reference() for _ in range(200)}
    assert len(references) == 200
    assert all(PATTERN.fullmatch(reference) for reference in references)
    assert not set("01IOL") & set(ALPHABET)
    assert normalise(" abcd efgh ") == "ABCD-EFGH"
    assert normalise("ABCDEFGH") == "ABCD-EFGH"
    assert normalise("ABCD-EFG0") == ""


def test_times_read_as_a_person_says_them_in_uk_time():
    assert when(datetime.datetime(2024, 9, 30, 8, tzinfo=datetime.UTC)) == "9am on Monday 30 September 2024"
    assert when(datetime.datetime(2024, 10, 25, 23, 59, tzinfo=LONDON)) == "11:59pm on Friday 25 October 2024"
    assert when(datetime.datetime(2024, 12, 25, 12, tzinfo=datetime.UTC)) == "midday on Wednesday 25 December 2024"
    assert when(datetime.datetime(2027, 12, 31, 0, tzinfo=datetime.UTC)) == "midnight on Friday 31 December 2027"
    assert day(datetime.date(2025, 3, 4)) == "Tuesday 4 March 2025"
    assert when(None) == ""
