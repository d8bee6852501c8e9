"""Consultations in the admin: written on one page with their questions; responses read-only behind a permission."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from consultations.models import Choice, Consultation, Question, Response
from peel.publishing import Status
from tests.consultations.factories import make_consultation, make_open_consultation_with_every_kind, make_question
from tests.consultations.helpers import good_answers, send, text_of

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"


def staff(django_user_model, *codenames, username="editor"):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    permissions = Permission.objects.filter(content_type__app_label="consultations", codename__in=codenames)
    user.user_permissions.set(permissions)
    client = Client()
    client.force_login(user)
    return client


EDITOR = ("add_consultation", "change_consultation", "view_consultation", "add_question", "change_question",
          "view_question", "add_document", "change_document", "add_outcomecount", "change_outcomecount",
          "delete_question")  # fmt: skip


def inline(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def consultation_form(questions=(), **fields):
    data = {
        "title": "Proposed programme 2031",
        "slug": "programme-2031",
        "status": "published",
        "summary": "What should we inspect?",
        "body": "We propose things.",
        "opens_at_0": "2031-01-05",
        "opens_at_1": "09:00",
        "closes_at_0": "2031-02-05",
        "closes_at_1": "23:59",
        "time_to_answer": "10",
    }
    data |= inline("questions", list(questions)) | inline("documents", []) | inline("outcome_counts", [])
    return data | fields


QUESTIONS = [
    {"position": "1", "kind": "one-choice", "text": "Which first?", "choice_lines": "Fraud\nRoads\n\nDrugs"},
    {"position": "2", "kind": "long-text", "text": "Why?", "choice_lines": ""},
]


def test_a_consultation_is_written_with_its_questions_and_choices_on_one_page(django_user_model):
    editor = staff(django_user_model, *EDITOR)
    response = editor.post(reverse("admin:consultations_consultation_add"), consultation_form(QUESTIONS))
    assert response.status_code == 302, text_of(response)[:3000]
    consultation = Consultation.objects.get(slug="programme-2031")
    first, second = consultation.questions.order_by("position")
    assert [(c.position, c.text) for c in first.choices.all()] == [(1, "Fraud"), (2, "Roads"), (3, "Drugs")]
    assert not second.choices.exists()
    page = editor.get(reverse("admin:consultations_consultation_change", args=[consultation.pk]))
    assert "Fraud\nRoads\nDrugs</textarea>" in page.content.decode()


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"kind": "several-choices", "choice_lines": "Only one"}, "Give at least two choices, one per line."),
        ({"kind": "short-text", "choice_lines": "A\nB"}, "Only one-choice and several-choices questions have choices."),
        ({"kind": "one-choice", "choice_lines": "A\nA"}, "“A” is listed twice."),
        ({"kind": "one-choice", "choice_lines": "A\nB", "max_length": "10"}, "Only text questions have a length"),
    ],
)
def test_a_question_that_does_not_hang_together_is_refused_on_the_page(django_user_model, question, message):
    editor = staff(django_user_model, *EDITOR)
    response = editor.post(
        reverse("admin:consultations_consultation_add"), consultation_form([{"position": "1", "text": "Q?"} | question])
    )
    assert response.status_code == 200 and message in text_of(response)
    assert not Consultation.objects.exists()


def test_a_closing_time_before_the_opening_is_refused_with_a_message(django_user_model):
    editor = staff(django_user_model, *EDITOR)
    response = editor.post(reverse("admin:consultations_consultation_add"), consultation_form(closes_at_0="2030-01-01"))
    assert "The closing time must be after the opening time." in text_of(response)


def test_a_choice_someone_has_picked_cannot_be_removed(django_user_model, client):
    consultation = make_open_consultation_with_every_kind()
    send(client, consultation, good_answers(consultation))  # picks "Speed" for question 3
    editor = staff(django_user_model, *EDITOR, "publish_consultation")  # it is live: a publisher's to change
    questions = list(consultation.questions.order_by("position"))
    rows = []
    for question in questions:
        lines = "\n".join(c.text for c in question.choices.all())
        if question.position == 3:
            lines = "Care\nKindness"
        rows.append(
            {
                "id": str(question.pk),
                "consultation": str(consultation.pk),
                "position": str(question.position),
                "kind": question.kind,
                "text": question.text,
                "choice_lines": lines,
            }  # fmt: skip
            | ({"required": "on"} if question.required else {})
            | ({"max_length": str(question.max_length)} if question.max_length else {})
        )
    data = consultation_form(title=consultation.title, slug=consultation.slug, opens_at_0="2020-01-01")
    data |= inline("questions", rows, initial=len(rows))
    response = editor.post(reverse("admin:consultations_consultation_change", args=[consultation.pk]), data)
    assert "“Speed” has been chosen in responses, so it must stay." in text_of(response)
    assert Choice.objects.filter(text="Speed").exists()


@pytest.fixture
def responded(client):
    consultation = make_open_consultation_with_every_kind(title="Plan 2031")
    send(client, consultation, good_answers(consultation))
    send(Client(), consultation, good_answers(consultation, respondent_type="individual", consent="full", name=""))
    return consultation


def test_responses_need_the_view_responses_permission(django_user_model, responded):
    urls = [
        reverse("admin:consultations_response_changelist"),
        reverse("admin:consultations_response_change", args=[Response.objects.first().pk]),
        reverse("admin:consultations_consultation_summary", args=[responded.pk]),
        reverse("admin:consultations_consultation_responses_csv", args=[responded.pk]),
    ]
    assert all(Client().get(url).status_code == 302 for url in urls)  # the public: sign in first
    editor = staff(django_user_model, *EDITOR)
    assert all(editor.get(url).status_code == 403 for url in urls)
    assert "Summary" not in text_of(editor.get(reverse("admin:consultations_consultation_changelist")))
    reader = staff(django_user_model, "view_responses", "view_consultation", username="reader")
    assert all(reader.get(url).status_code == 200 for url in urls)


def test_responses_are_read_only_even_for_a_superuser(admin_client, responded):
    stored = Response.objects.first()
    assert admin_client.get(reverse("admin:consultations_response_add")).status_code == 403
    assert admin_client.get(reverse("admin:consultations_response_delete", args=[stored.pk])).status_code == 403
    page = admin_client.get(reverse("admin:consultations_response_change", args=[stored.pk]))
    assert 'name="respondent_type"' not in page.content.decode() and "Save" not in text_of(page)
    assert "1. Your role? Analyst" in text_of(page) and "4. Which topics? Fraud; Roads" in text_of(page)
    admin_client.post(reverse("admin:consultations_response_change", args=[stored.pk]), {"name": "Changed"})
    assert Response.objects.get(pk=stored.pk).name == stored.name


def test_responses_are_found_by_reference_however_it_is_typed_and_filtered(admin_client, responded):
    first = Response.objects.order_by("pk").first()
    url = reverse("admin:consultations_response_changelist")
    typed = first.reference.lower().replace("-", " ")
    page = text_of(admin_client.get(url, {"q": typed}))
    assert first.reference in page and "1 result" in page
    page = text_of(admin_client.get(url, {"respondent_type__exact": "individual"}))
    assert "1 response" in page or "1 result" in page
    assert len(Response.objects.filter(consent="full")) == 1
    assert "1 response" in text_of(admin_client.get(url, {"consent__exact": "full"}))


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_has_a_row_per_response_and_a_column_per_question(admin_client, client):
    consultation = make_open_consultation_with_every_kind()
    first = consultation.questions.get(position=1)
    send(client, consultation, good_answers(consultation, **{first.field_name: '=HYPERLINK("http://x")'}))
    response = admin_client.get(reverse("admin:consultations_consultation_responses_csv", args=[consultation.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{consultation.slug}-responses.csv"'
    header, row = read_csv(response)
    assert header[:7] == ["reference", "sent (UK time)", "responding as", "name", "organisation", "email",
                          "may we publish"]  # fmt: skip
    assert header[7:] == ["Q1: Your role?", "Q2: What should change?", "Q3: Which matters most?",
                          "Q4: Which topics?", "Q5: Do you agree with the plan?"]  # fmt: skip
    stored = Response.objects.get()
    assert row[0] == stored.reference and row[2] == "A police force" and row[5] == "sam@example.org"
    assert row[7] == '\'=HYPERLINK("http://x")'  # a formula is shown, never run
    assert row[8:] == ["More time for\nvictims.", "Speed", "Fraud; Roads", "Agree"]


@pytest.mark.parametrize("count", [2, 12])
def test_the_csv_and_summary_make_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries, count):
    consultation = make_open_consultation_with_every_kind()
    for _ in range(count):
        send(Client(REMOTE_ADDR=f"10.0.0.{_}"), consultation, good_answers(consultation))
    url = reverse("admin:consultations_consultation_responses_csv", args=[consultation.pk])
    with django_assert_max_num_queries(10):
        assert len(read_csv(admin_client.get(url))) == count + 1
    with django_assert_max_num_queries(14):
        admin_client.get(reverse("admin:consultations_consultation_summary", args=[consultation.pk]))


def test_the_summary_adds_up_responses_by_day_by_respondent_and_by_answer(admin_client, responded):
    page = text_of(admin_client.get(reverse("admin:consultations_consultation_summary", args=[responded.pk])))
    assert "2 responses so far." in page
    assert "Responses by who sent them Responding as Responses Share" in page
    assert "An individual (a member of the public) 1 50% 50%" in page
    assert "A police force 1 50% 50%" in page
    assert "Question 3: Which matters most? Answered in 2 of 2 responses. Answer Responses Share Speed 2 100%" in page
    assert "Care 0 0% 0%" in page
    assert "Question 4: Which topics? Answered in 2 of 2 responses. People could pick several" in page
    assert "Question 5: Do you agree with the plan?" in page and "Agree 2 100% 100%" in page
    assert "Question 2: What should change? Answered in 2 of 2 responses. Reference Answer" in page
    assert "More time for victims." in page


def test_a_consultation_with_responses_cannot_be_deleted_in_the_admin(admin_client, responded):
    url = reverse("admin:consultations_consultation_delete", args=[responded.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403  # public: withdraw it first
    Consultation.objects.filter(pk=responded.pk).update(status=Status.WITHDRAWN)
    page = text_of(admin_client.post(url, {"post": "yes"}))
    assert "Cannot delete consultation" in page
    assert Consultation.objects.filter(pk=responded.pk).exists() and Question.objects.filter(consultation=responded)


def test_an_unrelated_consultation_and_its_questions_can_be_changed(admin_client):
    consultation = make_consultation()
    make_question(consultation, kind="one-choice", choices=["A", "B"])
    url = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    assert admin_client.get(url).status_code == 200
