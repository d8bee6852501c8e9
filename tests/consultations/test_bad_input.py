"""Every kind of question refuses bad input with a message, stores nothing, and never fails with a 500."""

import pytest
from django.core import signing
from django.test import Client

from consultations.models import Answer, QuestionKind, Response
from tests.consultations.factories import make_consultation, make_open_consultation_with_every_kind, make_question
from tests.consultations.helpers import check, good_answers, hidden_value, send_checked, text_of

pytestmark = pytest.mark.django_db

MEGABYTE = 1024 * 1024


@pytest.fixture
def consultation():
    return make_open_consultation_with_every_kind()


def question(consultation, position):
    return consultation.questions.get(position=position)


def refused(client, consultation, data, message):
    response = check(client, consultation, data)
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page and message in page, page[:3000]
    assert "Check your answers" not in page
    assert Response.objects.count() == 0
    return response


@pytest.mark.parametrize(
    ("position", "value", "message"),
    [
        (1, "x" * 51, "Your answer to question 1 must be 50 characters or fewer (it has 51)"),
        (2, "y" * 201, "Your answer to question 2 must be 200 characters or fewer (it has 201)"),
        (1, "x" * MEGABYTE, "Your answer to question 1 must be 50 characters or fewer (it has 1,048,576)"),
        (2, "y" * MEGABYTE, "Your answer to question 2 must be 200 characters or fewer (it has 1,048,576)"),
        (1, "bad\x00byte", "Your answer to question 1 contains a character that cannot be saved (U+0000)"),
        (2, "escape \x1b[31m", "Your answer to question 2 contains a character that cannot be saved (U+001B)"),
        (1, "", "Enter your answer to question 1"),
        (2, "   ", "Enter your answer to question 2"),
        (3, "999999", "Select one of the answers listed for question 3"),
        (3, "not-a-number", "Select one of the answers listed for question 3"),
        (3, "\x00", "Select one of the answers listed for question 3"),
        (4, ["999999"], "Select one of the answers listed for question 4"),
        (5, "maybe", "Select one of the answers listed for question 5"),
        (5, "x" * MEGABYTE, "Select one of the answers listed for question 5"),
    ],
    ids=[
        "short-too-long",
        "long-too-long",
        "short-megabyte",
        "long-megabyte",
        "short-nul",
        "long-escape",
        "short-missing",
        "long-blank",
        "one-unknown",
        "one-garbage",
        "one-nul",
        "several-unknown",
        "scale-unknown",
        "scale-megabyte",
    ],
)
def test_each_kind_of_question_refuses_bad_input(client, consultation, position, value, message):
    data = good_answers(consultation, **{question(consultation, position).field_name: value})
    refused(client, consultation, data, message)


def test_a_long_answer_counts_a_new_line_as_one_character(client, consultation):
    long_text = question(consultation, 2)
    page = check(client, consultation, good_answers(consultation, **{long_text.field_name: "a\r\n" * 66 + "ab"}))
    assert "Check your answers" in text_of(page)  # 200 characters once \r\n is read as one new line


def test_required_choice_questions_ask_for_an_answer(client):
    consultation = make_consultation()
    one = make_question(consultation, kind=QuestionKind.ONE_CHOICE, required=True, choices=["A", "B"])
    several = make_question(consultation, kind=QuestionKind.SEVERAL_CHOICES, required=True, choices=["C", "D"])
    scale = make_question(consultation, kind=QuestionKind.AGREE_SCALE, required=True)
    data = {"respondent_type": "individual", "consent": "none"}
    response = refused(client, consultation, data, "Select an answer to question 1")
    page = text_of(response)
    assert "Select at least one answer to question 2" in page and "Select an answer to question 3" in page
    assert all(f'href="#id_{q.field_name}"' in response.content.decode() for q in (one, several, scale))


def test_a_choice_from_another_question_is_refused(client, consultation):
    several = question(consultation, 4)
    other = question(consultation, 3).choices.first()
    mine = several.choices.first()
    data = good_answers(consultation, **{several.field_name: [str(mine.pk), str(other.pk)]})
    refused(client, consultation, data, "Select one of the answers listed for question 4")


def test_an_answer_to_another_consultations_question_is_ignored(client, consultation):
    elsewhere = make_question(make_consultation())
    data = good_answers(consultation, **{elsewhere.field_name: "Sneaked in", "question-999999": "Nobody asked"})
    answers = hidden_value(check(client, consultation, data), "answers")
    assert send_checked(client, consultation, answers).status_code == 302
    assert not Answer.objects.filter(question=elsewhere).exists()
    assert Answer.objects.count() == 5


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("respondent_type", "", "Select who you are responding as"),
        ("respondent_type", "robot", "Select who you are responding as from the list"),
        ("consent", "always", "Select whether we may publish your response from the list"),
        ("name", "n" * 201, "Your name must be 200 characters or fewer (it has 201)"),
        ("organisation", "o" * MEGABYTE, "The organisation’s name must be 200 characters or fewer"),
        ("email", "a" * MEGABYTE + "@example.org", "Enter an email address"),
        ("email", "sam@example.org\x00", "Enter an email address in the correct format"),
    ],
)
def test_the_questions_about_you_refuse_bad_input(client, consultation, field, value, message):
    refused(client, consultation, good_answers(consultation, **{field: value}), message)


def test_bytes_that_are_not_utf8_are_refused_with_a_message(client, consultation):
    short = question(consultation, 1)
    body = "&".join(f"{name}={value}" for name, value in good_answers(consultation).items() if isinstance(value, str))
    body = body.replace(f"{short.field_name}=Analyst", f"{short.field_name}=%FF%FEab")
    response = client.post(consultation.get_respond_url(), body, content_type="application/x-www-form-urlencoded")
    assert "Your answer to question 1 contains characters that could not be read" in text_of(response)
    raw = body.encode().replace(b"%FF%FEab", b"\xff\xfeab")
    response = client.post(consultation.get_respond_url(), raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400) and Response.objects.count() == 0


def test_a_body_larger_than_django_accepts_is_a_400_not_a_500(client, consultation):
    data = good_answers(consultation, **{question(consultation, 2).field_name: "z" * (3 * MEGABYTE)})
    assert client.post(consultation.get_respond_url(), data).status_code == 400
    assert Response.objects.count() == 0


def test_checked_answers_that_were_altered_are_refused(client, consultation):
    answers = hidden_value(check(client, consultation, good_answers(consultation)), "answers")
    for tampered in (answers[:-2] + ("A" if answers[-2] != "A" else "B") + answers[-1], "", "garbage", "x" * MEGABYTE):
        response = send_checked(client, consultation, tampered)
        assert response.status_code == 400
        assert "Sorry, we could not read your answers" in text_of(response)
    forged = signing.dumps({"consultation": consultation.pk, "answers": []}, salt="consultations.answers")
    assert send_checked(client, consultation, forged).status_code == 400
    assert client.post(consultation.get_respond_url(), {"answers": "garbage"}).status_code == 400
    assert Response.objects.count() == 0


def test_checked_answers_belong_to_their_own_consultation(client, consultation):
    other = make_open_consultation_with_every_kind()
    answers = hidden_value(check(client, consultation, good_answers(consultation)), "answers")
    assert send_checked(client, other, answers).status_code == 400
    assert Response.objects.count() == 0


def test_checked_answers_that_no_longer_fit_the_questions_go_back_to_the_form(client, consultation):
    answers = hidden_value(check(client, consultation, good_answers(consultation)), "answers")
    question(consultation, 1).__class__.objects.filter(pk=question(consultation, 1).pk).update(max_length=3)
    response = send_checked(client, consultation, answers)
    assert "Your answer to question 1 must be 3 characters or fewer" in text_of(response)
    assert Response.objects.count() == 0


def test_a_mangled_submission_key_starts_a_fresh_one(client, consultation):
    data = good_answers(consultation, submission_key="<script>")
    answers = hidden_value(check(client, consultation, data), "answers")
    assert send_checked(client, consultation, answers).status_code == 302
    assert len(Response.objects.get().submission_key) == 32


def test_other_methods_are_not_allowed(consultation):
    client = Client()
    assert client.put(consultation.get_respond_url()).status_code == 405
    assert client.get(f"/consultations/{consultation.slug}/respond/send/").status_code == 405
    assert client.post(consultation.get_absolute_url()).status_code == 405
