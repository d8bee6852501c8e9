"""Responses downloaded as CSV and XLSX read back as stored, text that looks like a formula is never run, and
staff preview a consultation before the public can see it."""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import exports
from consultations.models import Answer, Consultation, QuestionKind, Response
from peel.publishing import Status
from tests.consultations.factories import DAY, make_consultation, make_open_consultation_with_every_kind, make_question
from tests.consultations.helpers import good_answers, send, text_of

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"
LONDON = zoneinfo.ZoneInfo("Europe/London")
FORMULA_STARTS = ("=", "+", "-", "@")


def staff(django_user_model, *codenames, username="editor"):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="consultations", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


def csv_url(consultation):
    return reverse("admin:consultations_consultation_responses_csv", args=[consultation.pk])


def xlsx_url(consultation):
    return reverse("admin:consultations_consultation_responses_xlsx", args=[consultation.pk])


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def read_xlsx(response):
    assert isinstance(response, FileResponse)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["Responses"]
    sheet = workbook["Responses"]
    rows = [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


# What respondents typed, each awkward in its own way: separators, quotes, lines, accents, and text a
# spreadsheet would take for a formula.
TYPED = [
    ("Ynys Môn", "naïve – “quoted”, with a comma"),
    ('She said "no", then left', "one line\nand another\n\nand a third"),
    ("=1+1", "+44 20 7946 0000"),
    ("-2", "@x"),
    ("  spaced  ", ""),
]


@pytest.fixture
def answered():
    """A consultation with a text question, a long-text question, a several-choices question and a scale,
    and a response for each of TYPED, sent a day apart (across the change to summer time)."""
    consultation = make_consultation(title="Proposals for Ynys Môn", slug="ynys-mon")
    role = make_question(consultation, kind=QuestionKind.SHORT_TEXT, text="Where are you, “roughly”?")
    change = make_question(consultation, kind=QuestionKind.LONG_TEXT, text="What should change?")
    topics = make_question(
        consultation, kind=QuestionKind.SEVERAL_CHOICES, text="Which topics?", choices=["Fraud", "Roads, rail", "=SUM"]
    )
    scale = make_question(consultation, kind=QuestionKind.AGREE_SCALE, text="Do you agree?")
    choices = list(topics.choices.order_by("position"))
    sent = datetime.datetime(2025, 3, 28, 12, 30, tzinfo=datetime.UTC)
    for index, (short, long) in enumerate(TYPED):
        response = Response.objects.create(
            consultation=consultation,
            reference=f"ABCD-EF{index:02d}",
            submission_key=f"key-{index}",
            created_at=sent + index * DAY,
            respondent_type="organisation" if index % 2 else "individual",
            name=f"Siân O’Brien {index}" if index != 3 else "-Dash",
            organisation="Heddlu Gogledd Cymru, North Wales" if index % 2 else "",
            email=f"person{index}@example.org",
            consent=["full", "anonymous", "none"][index % 3],
        )
        Answer.objects.create(response=response, question=role, text=short)
        if long:
            Answer.objects.create(response=response, question=change, text=long)
        picked = Answer.objects.create(response=response, question=topics)
        picked.choices.set(choices[: index % 4])  # none, one, two, then all three
        if index != 4:
            point = ["agree", "strongly-disagree", "neither"][index % 3]
            Answer.objects.create(response=response, question=scale, scale=point)
    return consultation


def stored_rows(consultation):
    """The rows the downloads should hold, read from the database without the export's own code."""
    questions = list(consultation.questions.order_by("position"))
    header = ["reference", "sent (UK time)", "responding as", "name", "organisation", "email", "may we publish"]
    expected = [header + [f"Q{q.position}: {q.text}" for q in questions]]
    for response in Response.objects.filter(consultation=consultation).order_by("created_at", "pk"):
        row = [
            response.reference,
            response.created_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S"),
            response.get_respondent_type_display(),
            response.name,
            response.organisation,
            response.email,
            response.get_consent_display(),
        ]
        for question in questions:
            answer = response.answers.filter(question=question).first()
            if answer is None:
                row.append("")
            elif question.kind == QuestionKind.SEVERAL_CHOICES:
                row.append("; ".join(answer.choices.order_by("position").values_list("text", flat=True)))
            elif question.kind == QuestionKind.AGREE_SCALE:
                row.append(answer.get_scale_display())
            else:
                row.append(answer.text)
        expected.append(row)
    return [[f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell for cell in row] for row in expected]


def test_the_csv_and_xlsx_read_back_as_the_database_holds_them(admin_client, answered):
    expected = stored_rows(answered)
    from_csv = read_csv(admin_client.get(csv_url(answered)))
    from_xlsx = read_xlsx(admin_client.get(xlsx_url(answered)))
    assert from_csv == expected
    assert from_xlsx == expected
    assert len(expected) == 1 + len(TYPED)


def test_awkward_answers_survive_both_downloads_exactly(admin_client, answered):
    for rows in (read_csv(admin_client.get(csv_url(answered))), read_xlsx(admin_client.get(xlsx_url(answered)))):
        header, *responses = rows
        assert header[7] == "Q1: Where are you, “roughly”?"
        assert [row[7] for row in responses] == ["Ynys Môn", 'She said "no", then left', "'=1+1", "'-2", "  spaced  "]
        assert [row[8] for row in responses] == [
            "naïve – “quoted”, with a comma",
            "one line\nand another\n\nand a third",
            "'+44 20 7946 0000",
            "'@x",
            "",
        ]
        assert [row[9] for row in responses] == ["", "Fraud", "Fraud; Roads, rail", "Fraud; Roads, rail; =SUM", ""]
        assert [row[10] for row in responses] == [
            "Agree", "Strongly disagree", "Neither agree nor disagree", "Agree", ""
        ]  # fmt: skip
        assert responses[3][3] == "'-Dash"
        # 28 March 2025 was in GMT; from 30 March the UK is an hour ahead.
        sent = ["2025-03-28 12:30:00", "2025-03-29 12:30:00", "2025-03-30 13:30:00"]
        assert [row[1] for row in responses[:3]] == sent


def test_no_xlsx_cell_is_a_formula_or_anything_but_text(admin_client, answered):
    content = b"".join(admin_client.get(xlsx_url(answered)).streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))  # not read-only: every cell's type is kept
    cells = [cell for row in workbook["Responses"].iter_rows() for cell in row if cell.value not in (None, "")]
    assert cells and {cell.data_type for cell in cells} == {"s"}
    assert not any(str(cell.value).startswith(FORMULA_STARTS) for cell in cells)


def test_the_xlsx_is_an_attachment_kept_private(admin_client, answered):
    response = admin_client.get(xlsx_url(answered))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="ynys-mon-responses.xlsx"'
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))


def test_a_consultation_without_responses_downloads_as_a_header_row(admin_client):
    consultation = make_open_consultation_with_every_kind()
    assert len(read_csv(admin_client.get(csv_url(consultation)))) == 1
    (header,) = read_xlsx(admin_client.get(xlsx_url(consultation)))
    assert header[0] == "reference" and header[-1] == "Q5: Do you agree with the plan?"


def test_responses_sent_through_the_form_download_the_same_in_both(admin_client, client):
    consultation = make_open_consultation_with_every_kind()
    first = consultation.questions.get(position=1)
    send(client, consultation, good_answers(consultation, **{first.field_name: '=HYPERLINK("http://x")'}))
    from_csv = read_csv(admin_client.get(csv_url(consultation)))
    from_xlsx = read_xlsx(admin_client.get(xlsx_url(consultation)))
    assert from_csv == from_xlsx
    assert from_xlsx[1][7:] == ['\'=HYPERLINK("http://x")', "More time for\nvictims.", "Speed", "Fraud; Roads", "Agree"]


def test_control_characters_xml_cannot_carry_are_left_out_of_the_xlsx(admin_client, answered):
    # Characters PostgreSQL stores but XML cannot hold (NUL is refused before it reaches the database).
    Answer.objects.filter(text="Ynys Môn").update(text="Ynys\x01 Môn\x1b")
    assert read_xlsx(admin_client.get(xlsx_url(answered)))[1][7] == "Ynys Môn"


def test_both_downloads_read_responses_in_chunks_with_a_fixed_number_of_queries_each(monkeypatch, answered):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for extra in range(5, 9):
        Response.objects.create(
            consultation=answered, reference=f"ABCD-EF{extra:02d}", submission_key=f"key-{extra}",
            respondent_type="individual", consent="none",
        )  # fmt: skip
    # 9 responses in chunks of 2 is 5 chunks: the questions, the responses, then each chunk's answers and choices.
    for export in (lambda: list(exports.rows(answered)), lambda: exports.write_xlsx(answered, io.BytesIO())):
        with CaptureQueriesContext(connection) as queries:
            export()
        answer_queries = [q for q in queries if 'FROM "consultations_answer"' in q["sql"]]
        assert len(answer_queries) == 5
        assert len(queries) <= 2 + 5 * 2


@pytest.mark.parametrize("url", [csv_url, xlsx_url])
def test_staff_without_view_responses_are_refused_both_downloads(django_user_model, answered, url):
    editor = staff(django_user_model, "view_consultation", "change_consultation")
    assert editor.get(url(answered)).status_code == 403
    reader = staff(django_user_model, "view_consultation", "view_responses", username="reader")
    assert reader.get(url(answered)).status_code == 200


@pytest.mark.parametrize("url", [csv_url, xlsx_url])
def test_people_not_signed_in_are_sent_to_sign_in(client, answered, url):
    response = client.get(url(answered))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_admin_links_to_both_downloads(admin_client, answered):
    for page in (
        admin_client.get(reverse("admin:consultations_consultation_changelist")),
        admin_client.get(reverse("admin:consultations_consultation_summary", args=[answered.pk])),
    ):
        html = page.content.decode()
        assert f'href="{csv_url(answered)}"' in html and f'href="{xlsx_url(answered)}"' in html


# Preview.


@pytest.fixture
def draft():
    """A draft whose dates say it is open: only a preview shows it, and nobody can respond to it."""
    return make_open_consultation_with_every_kind(status=Status.DRAFT, title="Secret plans", slug="secret-plans")


@pytest.fixture
def editor(django_user_model):
    return staff(django_user_model, "view_consultation", "change_consultation")


def preview(client, consultation):
    return client.get(consultation.get_absolute_url(), {"preview": "1"})


def test_an_editor_previews_a_draft_at_its_public_address(editor, draft):
    response = preview(editor, draft)
    assert response.status_code == 200
    page = text_of(response)
    assert "Preview: this consultation is not public yet" in page
    assert "Secret plans" in page and "What should change?" in page
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert draft.get_respond_url() not in response.content.decode()  # the start button is shown, but leads nowhere


def test_a_draft_is_not_found_without_asking_for_a_preview(editor, draft):
    assert editor.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("codenames", [(), ("view_consultation",), ("view_consultation", "view_responses")])
def test_a_draft_is_not_found_by_anyone_who_cannot_edit_consultations(client, django_user_model, draft, codenames):
    assert preview(client, draft).status_code == 404
    assert preview(staff(django_user_model, *codenames), draft).status_code == 404


def test_an_editor_who_is_not_staff_any_more_cannot_preview(django_user_model, draft):
    client = staff(django_user_model, "change_consultation")
    django_user_model.objects.filter(username="editor").update(is_staff=False)
    assert preview(client, draft).status_code == 404


def test_nobody_can_respond_to_a_draft_even_while_previewing_it(editor, draft):
    respond = draft.get_respond_url()
    submit = reverse("consultations:submit", kwargs={"slug": draft.slug})
    assert editor.get(respond, {"preview": "1"}).status_code == 404
    assert editor.post(f"{respond}?preview=1", good_answers(draft)).status_code == 404
    assert editor.post(f"{submit}?preview=1", {"answers": "anything"}).status_code == 404
    assert not Response.objects.exists()


def test_an_editor_previews_a_consultation_that_is_not_open_yet(editor, client):
    upcoming = make_open_consultation_with_every_kind(opens_at=timezone.now() + DAY)
    response = preview(editor, upcoming)
    assert "Preview: this consultation is not open yet" in text_of(response)
    assert response["Cache-Control"] == "private, no-store"
    assert editor.get(upcoming.get_respond_url(), {"preview": "1"}).status_code == 403
    assert editor.post(upcoming.get_respond_url(), good_answers(upcoming)).status_code == 403
    public = client.get(upcoming.get_absolute_url(), {"preview": "1"})
    assert "Preview" not in text_of(public) and "X-Robots-Tag" not in public


def test_an_open_consultation_shows_no_preview_banner(editor):
    consultation = make_open_consultation_with_every_kind()
    response = preview(editor, consultation)
    assert "Preview" not in text_of(response)
    assert consultation.get_respond_url() in response.content.decode()


def test_view_on_site_in_the_admin_opens_the_preview_until_the_consultation_is_public(admin_client, draft):
    change = reverse("admin:consultations_consultation_change", args=[draft.pk])
    assert f'href="/consultations/{draft.slug}/?preview=1"' in admin_client.get(change).content.decode()
    Consultation.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    assert f'href="/consultations/{draft.slug}/"' in admin_client.get(change).content.decode()
