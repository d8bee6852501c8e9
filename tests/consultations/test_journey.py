"""The respondent's journey through the test client: list, consultation, form, check your answers, sent."""

import datetime
import re

import pytest
from django.utils import timezone

from consultations.models import Answer, Document, OutcomeCount, Response
from peel.publishing import Status
from tests.consultations.factories import DAY, make_consultation, make_open_consultation_with_every_kind, make_question
from tests.consultations.helpers import check, good_answers, hidden_value, send, text_of

pytestmark = pytest.mark.django_db

BST = datetime.timezone(datetime.timedelta(hours=1))


def test_the_list_shows_open_upcoming_and_closed_consultations_with_their_dates():
    from django.test import Client

    now = timezone.now()
    make_consultation(title="Open one", closes_at=datetime.datetime(2099, 6, 30, 23, 59, tzinfo=BST))
    make_consultation(title="Soon", opens_at=datetime.datetime(2099, 7, 1, 9, tzinfo=BST), closes_at=now + 40000 * DAY)
    make_consultation(
        title="Done",
        opens_at=datetime.datetime(2024, 9, 30, 9, tzinfo=BST),
        closes_at=datetime.datetime(2024, 10, 25, 23, 59, tzinfo=BST),
        outcome="We listened.",
        outcome_published_on=datetime.date(2025, 3, 4),
    )
    make_consultation(title="Secret draft", status=Status.DRAFT)
    page = text_of(Client().get("/consultations/"))
    assert "Open Open one What do you think" in page
    assert "Open until 11:59pm on Tuesday 30 June 2099" in page
    assert "Coming soon Soon" in page and "Opens at 9am on Wednesday 1 July 2099" in page
    assert "Ran from 9am on Monday 30 September 2024 to 11:59pm on Friday 25 October 2024. Outcome published" in page
    assert "Secret draft" not in page


def test_a_consultation_page_shows_its_dates_proposal_questions_documents_and_a_way_to_respond(client):
    consultation = make_open_consultation_with_every_kind(body="We propose **fewer** forms.")
    Document.objects.create(consultation=consultation, title="The full proposal", url="https://example.org/p")
    response = client.get(consultation.get_absolute_url())
    page = text_of(response)
    assert "Status Open" in page and "Time to answer About 15 minutes" in page
    assert "<strong>fewer</strong>" in response.content.decode()
    assert "What we ask Your role? What should change? Which matters most?" in page
    assert '<a class="govuk-link" href="https://example.org/p">The full proposal</a>' in response.content.decode()
    assert f'href="{consultation.get_respond_url()}"' in response.content.decode()


def test_a_closed_consultation_shows_its_published_outcome_with_the_counts_by_respondent(client):
    consultation = make_consultation(
        opens_at=timezone.now() - 60 * DAY,
        closes_at=timezone.now() - 30 * DAY,
        outcome="Most respondents **agreed**.",
        outcome_published_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    OutcomeCount.objects.create(consultation=consultation, position=1, respondents="Police forces", count=28)
    OutcomeCount.objects.create(consultation=consultation, position=2, respondents="Members of the public", count=5)
    response = client.get(consultation.get_absolute_url())
    page = text_of(response)
    assert "Status Outcome published" in page
    assert "Outcome Most respondents agreed." in page
    assert "Who responded Respondents Responses Police forces 28 Members of the public 5 Total 33" in page
    assert "Responses are no longer accepted" in page
    assert f'href="{consultation.get_respond_url()}"' not in response.content.decode()


def test_an_outcome_dated_in_the_future_is_not_shown_yet(client):
    consultation = make_consultation(
        opens_at=timezone.now() - 60 * DAY,
        closes_at=timezone.now() - 30 * DAY,
        outcome="Not yet.",
        outcome_published_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    page = text_of(client.get(consultation.get_absolute_url()))
    assert "Status Closed" in page and "Not yet." not in page


def test_a_draft_consultation_is_nowhere_to_be_seen(client):
    draft = make_consultation(status=Status.DRAFT, title="Draft plan")
    make_question(draft)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_respond_url()).status_code == 404
    assert client.post(draft.get_respond_url(), {}).status_code == 404
    assert "Draft plan" not in text_of(client.get("/"))
    assert "Draft plan" not in text_of(client.get("/consultations/"))


def test_an_open_consultation_has_a_banner_on_every_page(client):
    consultation = make_consultation(title="Proposed programme 2031", summary="Tell us what to inspect.")
    make_consultation(title="Closed plan", opens_at=timezone.now() - 9 * DAY, closes_at=timezone.now() - DAY)
    for url in ("/", "/cookies/", "/consultations/", consultation.get_absolute_url(), "/no-such-page/"):
        response = client.get(url)
        page = text_of(response)
        assert "Proposed programme 2031: For consultation Tell us what to inspect. Open until" in page, url
        assert "Closed plan: For consultation" not in page
        assert 'data-module="peel-consultation-banner"' in response.content.decode()
    assert "Hide this message about Proposed programme 2031" in text_of(client.get("/"))


def test_the_banner_costs_one_query_and_none_when_nothing_is_open(client, uncached, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/cookies/")
    assert "For consultation" not in text_of(response) and "consultation-banner" not in response.content.decode()
    make_consultation(title="Open now")
    with django_assert_num_queries(1):
        assert "Open now: For consultation" in text_of(client.get("/cookies/"))


def test_public_pages_set_no_cookie_and_only_the_form_sets_the_csrf_cookie(client):
    consultation = make_open_consultation_with_every_kind()
    for url in ("/", "/consultations/", consultation.get_absolute_url()):
        response = client.get(url)
        assert not response.cookies, url
        assert "Vary" not in response or "Cookie" not in response["Vary"], url
    form = client.get(consultation.get_respond_url())
    assert set(form.cookies) == {"csrftoken"}
    assert "no-store" in form["Cache-Control"] or "no-cache" in form["Cache-Control"]


def test_the_form_asks_each_question_in_govuk_frontends_markup(client):
    consultation = make_open_consultation_with_every_kind(privacy_notice="We keep responses for **two years**.")
    questions = list(consultation.questions.all())
    html = client.get(consultation.get_respond_url()).content.decode()
    page = text_of(client.get(consultation.get_respond_url()))
    assert "Question 1 Your role?" in page and "Question 3 Which matters most? (optional)" in page
    assert f'<input class="govuk-input" id="id_{questions[0].field_name}"' in html
    assert 'data-module="govuk-character-count" data-maxlength="200"' in html
    assert "You can enter up to 200 characters" in page
    assert " maxlength=" not in html.split("<form", 1)[1].split("</form>")[0]
    assert html.count('class="govuk-radios__input"') == 2 + 5 + 5 + 3  # choices, scale, respondent, consent
    assert html.count('class="govuk-checkboxes__input"') == 3
    assert "Strongly agree Agree Neither agree nor disagree Disagree Strongly disagree" in page
    assert "How we use your response We keep responses for two years." in page
    trap = re.search(r'<div class="peel-trap" aria-hidden="true">.*?</div>', html, re.S)[0]
    assert "Leave this empty" in trap and 'autocomplete="off"' in trap and 'tabindex="-1"' in trap
    key = hidden_value(client.get(consultation.get_respond_url()), "submission_key")
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key)


def test_errors_are_listed_linked_to_each_field_and_shown_at_it_keeping_what_was_typed(client):
    consultation = make_open_consultation_with_every_kind()
    first, second = consultation.questions.all()[:2]
    data = good_answers(consultation, **{first.field_name: "", second.field_name: "x" * 201, "consent": None})
    data["email"] = "not an email"
    response = check(client, consultation, data)
    html, page = response.content.decode(), text_of(response)
    assert page.startswith("Error: Your response")
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)[0]
    assert f'<a href="#id_{first.field_name}">Enter your answer to question 1</a>' in summary
    too_long = "Your answer to question 2 must be 200 characters or fewer (it has 201)"
    assert f'<a href="#id_{second.field_name}">{too_long}</a>' in summary
    assert '<a href="#id_email">Enter an email address in the correct format, like name@example.com</a>' in summary
    assert '<a href="#id_consent">Select whether we may publish your response</a>' in summary
    assert f'id="id_{second.field_name}-error"' in html and "govuk-textarea--error" in html
    assert ">" + "x" * 201 + "</textarea>" in html
    assert 'value="Sam Jones"' in html and 'value="not an email"' in html
    assert re.search(r'value="police-force" checked', html)
    assert Response.objects.count() == 0


def test_check_your_answers_lists_every_answer_with_a_way_to_change_it(client):
    consultation = make_open_consultation_with_every_kind()
    page = check(client, consultation, good_answers(consultation))
    text = text_of(page)
    assert "Check your answers before sending your response" in text
    assert "Question 1 Your role? Analyst Change your answer to question 1" in text
    assert "Question 2 What should change? More time for victims." in text
    assert "Question 3 Which matters most? Speed" in text
    assert "Question 4 Which topics? Fraud Roads" in text
    assert "Question 5 Do you agree with the plan? Agree" in text
    assert "Responding as A police force" in text and "Publishing your response Yes, but without my name" in text
    assert "we will email a copy to sam@example.org" in text
    assert Response.objects.count() == 0


def test_change_goes_back_to_the_form_with_every_answer_kept(client):
    consultation = make_open_consultation_with_every_kind()
    first = consultation.questions.first()
    answers = hidden_value(check(client, consultation, good_answers(consultation)), "answers")
    response = client.post(consultation.get_respond_url(), {"answers": answers, "change": first.field_name})
    html = response.content.decode()
    assert "There is a problem" not in html
    assert f'name="{first.field_name}" type="text" value="Analyst"' in html
    assert "More time for\nvictims.</textarea>" in html
    assert html.count(" checked") == 1 + 2 + 1 + 1 + 1  # one choice, two topics, scale, respondent, consent
    assert 'value="sam@example.org"' in html


def test_sending_stores_the_response_whole_and_shows_its_reference(client):
    consultation = make_open_consultation_with_every_kind()
    sent = send(client, consultation, good_answers(consultation))
    assert sent.status_code == 302
    confirmation = client.get(sent["Location"])
    stored = Response.objects.get()
    assert f"Response sent Your reference {stored.reference}" in text_of(confirmation)
    assert "We have emailed you a copy" in text_of(confirmation)
    assert "What happens next" in text_of(confirmation)
    assert (stored.respondent_type, stored.name, stored.email, stored.consent) == (
        "police-force",
        "Sam Jones",
        "sam@example.org",
        "anonymous",
    )
    answers = {a.question.position: a for a in Answer.objects.select_related("question")}
    assert answers[1].text == "Analyst" and answers[2].text == "More time for\nvictims."
    assert [c.text for c in answers[3].choices.all()] == ["Speed"]
    assert sorted(c.text for c in answers[4].choices.all()) == ["Fraud", "Roads"]
    assert answers[5].scale == "agree"


def test_optional_questions_left_blank_store_no_answer(client):
    consultation = make_open_consultation_with_every_kind()
    optional = {q.field_name: None for q in consultation.questions.filter(required=False)}
    assert send(client, consultation, good_answers(consultation, **optional)).status_code == 302
    assert sorted(Answer.objects.values_list("question__position", flat=True)) == [1, 2]


def test_the_confirmation_needs_a_receipt_this_site_signed(client):
    consultation = make_consultation()
    response = client.get(f"/consultations/{consultation.slug}/respond/sent/?receipt=ABCD-EFGH")
    assert response.status_code == 302 and response["Location"] == consultation.get_absolute_url()


def make_many(scale):
    consultations = []
    for _ in range(scale):
        consultation = make_open_consultation_with_every_kind()
        Document.objects.create(consultation=consultation, title="Proposal", url="https://example.org/")
        OutcomeCount.objects.create(consultation=consultation, respondents="Police forces", count=3)
        consultations.append(consultation)
    make_consultation(opens_at=timezone.now() - 9 * DAY, closes_at=timezone.now() - DAY)
    return consultations


@pytest.mark.parametrize("scale", [1, 10])
def test_consultation_pages_make_a_fixed_number_of_queries(client, uncached, django_assert_num_queries, scale):
    consultation = make_many(scale)[0]
    with django_assert_num_queries(2):  # the list, and the banner
        client.get("/consultations/")
    with django_assert_num_queries(6):  # the consultation with its documents, counts, questions, choices; banner
        client.get(consultation.get_absolute_url())
    with django_assert_num_queries(4):  # the form reads only the consultation, its questions and choices; banner
        client.get(consultation.get_respond_url())
    answers = good_answers(consultation)
    with django_assert_num_queries(4):
        assert "Check your answers" in text_of(check(client, consultation, answers))
