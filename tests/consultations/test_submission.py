"""Never lost, never doubled: one transaction, one response per submission, refusals that store nothing."""

import logging
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from consultations.forms import ResponseForm
from consultations.models import Answer, Response
from consultations.submission import NotOpen, submit_response
from peel.publishing import Status
from tests.consultations.factories import DAY, make_open_consultation_with_every_kind
from tests.consultations.helpers import check, good_answers, hidden_value, send, send_checked, text_of

pytestmark = pytest.mark.django_db


def receipt_of(response):
    """The reference a confirmation address carries in its signed receipt."""
    from urllib.parse import parse_qs, urlsplit

    from django.core import signing

    from consultations.views import RECEIPT_SALT

    query = parse_qs(urlsplit(response["Location"]).query)
    return signing.loads(query["receipt"][0], salt=RECEIPT_SALT)["reference"]


def checked_answers(client, consultation, **overrides):
    return hidden_value(check(client, consultation, good_answers(consultation, **overrides)), "answers")


def test_sending_the_same_answers_twice_stores_one_response_with_one_reference(client):
    consultation = make_open_consultation_with_every_kind()
    answers = checked_answers(client, consultation)
    first = send_checked(client, consultation, answers)
    again = send_checked(client, consultation, answers)  # a double click, or back and send again
    # The same reference (the signed receipt in the address is dated, so it can differ by a second).
    assert receipt_of(first) == receipt_of(again)
    assert Response.objects.count() == 1 and Answer.objects.count() == 5


def test_changing_an_answer_after_checking_still_sends_one_response(client):
    consultation = make_open_consultation_with_every_kind()
    first_question = consultation.questions.first()
    answers = checked_answers(client, consultation)
    form_again = client.post(consultation.get_respond_url(), {"answers": answers, "change": first_question.field_name})
    key = hidden_value(form_again, "submission_key")
    changed = checked_answers(client, consultation, **{first_question.field_name: "Detective", "submission_key": key})
    send_checked(client, consultation, answers)
    send_checked(client, consultation, changed)
    stored = Response.objects.get()
    assert stored.answers.get(question=first_question).text == "Analyst"


def test_two_people_get_two_responses_with_different_references(client):
    consultation = make_open_consultation_with_every_kind()
    send(client, consultation, good_answers(consultation))
    send(Client(), consultation, good_answers(consultation))
    assert len(set(Response.objects.values_list("reference", flat=True))) == 2


def form_for(consultation, **overrides):
    form = ResponseForm(good_answers(consultation, **overrides), questions=consultation.questions.all())
    assert form.is_valid(), form.errors
    return form


def submit(consultation, form, **extra):
    return submit_response(
        consultation=consultation,
        answers=form.answers(),
        about=form.about(),
        submission_key=form.cleaned_data["submission_key"],
        **extra,
    )


def test_a_submission_that_loses_the_race_returns_the_winners_response():
    consultation = make_open_consultation_with_every_kind()
    form = form_for(consultation, submission_key="k" * 32)
    winner, created = submit(consultation, form)
    assert created
    # The loser looked before the winner had committed, so it found nothing and tries to insert too.
    with mock.patch("consultations.submission._existing", side_effect=[None, winner]):
        loser, created = submit(consultation, form)
    assert not created and loser == winner
    assert Response.objects.count() == 1 and Answer.objects.count() == 5


def test_a_clashing_reference_is_drawn_again():
    consultation = make_open_consultation_with_every_kind()
    first, _ = submit(consultation, form_for(consultation, submission_key="a" * 32))
    with mock.patch("consultations.submission.new_reference", side_effect=[first.reference, "WXYZ-2345"]):
        second, created = submit(consultation, form_for(consultation, submission_key="b" * 32))
    assert created and second.reference == "WXYZ-2345"
    assert Response.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"opens_at": timezone.now() + DAY, "closes_at": timezone.now() + 9 * DAY},
        {"opens_at": timezone.now() - 9 * DAY, "closes_at": timezone.now() - DAY},
    ],
    ids=["upcoming", "closed"],
)
def test_a_consultation_that_is_not_open_refuses_with_403_and_stores_nothing(client, change):
    consultation = make_open_consultation_with_every_kind()
    answers = checked_answers(client, consultation)  # checked while it was open
    type(consultation).objects.filter(pk=consultation.pk).update(**change)
    for response in (
        client.get(consultation.get_respond_url()),
        client.post(consultation.get_respond_url(), good_answers(consultation)),
        send_checked(client, consultation, answers),
    ):
        assert response.status_code == 403
        page = text_of(response)
        assert "This consultation is not open yet" in page or "This consultation has closed" in page
    assert "Your response has not been saved." in page
    assert Response.objects.count() == 0


def test_an_unpublished_consultation_refuses_as_if_it_did_not_exist(client):
    consultation = make_open_consultation_with_every_kind()
    answers = checked_answers(client, consultation)
    type(consultation).objects.filter(pk=consultation.pk).update(status=Status.DRAFT)
    assert send_checked(client, consultation, answers).status_code == 404
    assert Response.objects.count() == 0
    consultation.refresh_from_db()
    with pytest.raises(NotOpen):
        submit(consultation, form_for(consultation))


def test_a_repeat_of_a_response_already_stored_still_gets_its_confirmation_after_closing(client):
    consultation = make_open_consultation_with_every_kind()
    answers = checked_answers(client, consultation)
    first = send_checked(client, consultation, answers)
    type(consultation).objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - DAY / 24)
    assert send_checked(client, consultation, answers)["Location"] == first["Location"]


def test_extending_or_reopening_a_consultation_keeps_every_response(client):
    consultation = make_open_consultation_with_every_kind()
    send(client, consultation, good_answers(consultation))
    consultation.closes_at = timezone.now() - DAY  # closed early by mistake...
    consultation.save()
    assert client.get(consultation.get_respond_url()).status_code == 403
    consultation.closes_at = timezone.now() + 30 * DAY  # ...and re-opened with a new deadline
    consultation.save()
    send(Client(), consultation, good_answers(consultation))
    assert Response.objects.filter(consultation=consultation).count() == 2


def test_the_hidden_trap_field_filled_in_stores_nothing(client):
    consultation = make_open_consultation_with_every_kind()
    response = check(client, consultation, good_answers(consultation, website="http://spam.example"))
    page = text_of(response)
    assert "There is a problem" in page and "Check your answers" not in page
    assert 'name="website" value=""' in response.content.decode()
    assert Response.objects.count() == 0


def test_too_many_responses_from_one_address_are_refused_with_429(client, settings):
    settings.CONSULTATION_RESPONSE_LIMIT = (2, 600)
    consultation = make_open_consultation_with_every_kind()
    for _ in range(2):
        assert send(Client(), consultation, good_answers(consultation)).status_code == 302
    refused = send(Client(), consultation, good_answers(consultation))
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert "Too many responses have been sent from your connection" in text_of(refused)
    assert Response.objects.count() == 2
    other = send(Client(REMOTE_ADDR="10.0.0.9"), consultation, good_answers(consultation))
    assert other.status_code == 302


def test_a_repeat_does_not_count_against_the_limit(client, settings):
    settings.CONSULTATION_RESPONSE_LIMIT = (1, 600)
    consultation = make_open_consultation_with_every_kind()
    answers = checked_answers(client, consultation)
    for _ in range(3):
        assert send_checked(client, consultation, answers).status_code == 302


def test_every_post_needs_the_csrf_token():
    consultation = make_open_consultation_with_every_kind()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(consultation.get_respond_url(), good_answers(consultation)).status_code == 403
    answers = checked_answers(Client(), consultation)
    assert send_checked(strict, consultation, answers).status_code == 403
    assert Response.objects.count() == 0


def test_a_receipt_with_the_answers_is_emailed_once_the_response_is_stored(client, django_capture_on_commit_callbacks):
    consultation = make_open_consultation_with_every_kind(title="Plan 2031")
    with django_capture_on_commit_callbacks(execute=True):
        send(client, consultation, good_answers(consultation))
    stored = Response.objects.get()
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.subject == f"Your response to Plan 2031: {stored.reference}"
    assert f"Your reference is {stored.reference}." in message.body
    assert "Question 2: What should change?\nMore time for\nvictims." in message.body
    assert "Question 4: Which topics?\nFraud\nRoads" in message.body
    assert "Question 5: Do you agree with the plan?\nAgree" in message.body


def test_no_email_is_sent_when_none_was_given(client, django_capture_on_commit_callbacks):
    consultation = make_open_consultation_with_every_kind()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(client, consultation, good_answers(consultation, email=""))
    assert not mail.outbox
    assert "emailed" not in text_of(client.get(sent["Location"]))


def test_a_mail_server_that_fails_is_logged_and_the_response_is_kept(
    client, django_capture_on_commit_callbacks, caplog
):
    consultation = make_open_consultation_with_every_kind()
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("mail server down")),
        caplog.at_level(logging.ERROR, logger="consultations.receipts"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = send(client, consultation, good_answers(consultation))
    assert sent.status_code == 302
    assert Response.objects.count() == 1
    assert "could not be emailed" in caplog.text and "mail server down" in caplog.text


def test_the_receipt_is_sent_only_after_the_transaction_commits(client, django_capture_on_commit_callbacks):
    consultation = make_open_consultation_with_every_kind()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(client, consultation, good_answers(consultation))
    assert len(callbacks) == 1 and not mail.outbox
