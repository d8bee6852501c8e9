"""The public response form takes each payload in each of its fields, one field at a time, and either refuses it
with a message at that field or stores it exactly as checked; the pages that show it back (check your answers,
the form again after "Change", the confirmation, the staff pages) show it escaped; and the staff downloads of
responses turn any cell a spreadsheet would read as a formula into text.

tests/consultations/test_bad_input.py and test_exports.py hold the worded refusals and the downloads' layout;
this pushes the whole corpus through every field the form has, whatever kind of question it is.
"""

import io
import re
import unicodedata

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from consultations.exports import NOT_XML
from consultations.forms import ALLOWED_CONTROLS, NAME_LENGTH, SUBMISSION_KEY, ResponseForm
from consultations.models import Answer, QuestionKind, Response
from tests.consultations.factories import make_consultation, make_question
from tests.consultations.helpers import good_answers, hidden_value, text_of
from tests.consultations.test_exports import csv_url, read_csv, read_xlsx, stored_rows, xlsx_url

from .checks import problems
from .corpus import FORM, FORMULA_STARTS, PAYLOADS, TEXT, body, ids, is_formula

pytestmark = pytest.mark.django_db

TEXT_FIELDS = {"name", "organisation"}  # the questions about you that take free text, as text questions do


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.CONSULTATION_RESPONSE_LIMIT = (100_000, 600)


@pytest.fixture
def consultation():
    """An open consultation asking a question of every kind, none required, at their default lengths."""
    consultation = make_consultation(slug="hostile", title="Hostile input")
    for kind in QuestionKind:
        choices = ["Speed", "Care", "Cost"] if kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES) else ()
        make_question(consultation, kind=kind, text=f"A {kind.label} question?", choices=choices)
    return consultation


def field_names(consultation):
    """Every field the form has: one per question, then the questions about you and the hidden ones."""
    return list(ResponseForm(questions=consultation.questions.all()).fields)


def post(client, url, pairs):
    return client.post(url, body(pairs), content_type=FORM)


def stored_text(value):
    """What a text field keeps of what was typed: no surrounding white space, new lines as \\n."""
    return value.strip().replace("\r\n", "\n").replace("\r", "\n")


def unsaveable(value):
    """Whether a text field must refuse this: a control character other than a new line or tab, or bytes that
    were not UTF-8 (read as U+FFFD)."""
    text = stored_text(value)
    return "\ufffd" in text or any(unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS for c in text)


def stored_value(consultation, name):
    """What the newest response holds for the form field ``name``."""
    response = Response.objects.latest("pk")
    if not name.startswith("question-"):
        return getattr(response, name)
    question = consultation.questions.get(pk=int(name.removeprefix("question-")))
    answer = Answer.objects.filter(response=response, question=question).first()
    if answer is None:
        return None
    if question.kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
        return sorted(answer.choices.values_list("text", flat=True))
    return answer.scale or answer.text


def refusal_problems(page, name, where):
    """A refusal must say what is wrong in the error summary, linked to the field it is about."""
    found = []
    if "There is a problem" not in text_of(page):
        found.append(f"{where}: neither checked nor refused with a message")
    elif name != "website" and f'href="#id_{name}"' not in page.content.decode():
        found.append(f"{where}: refused without a message at the field")
    return found


@pytest.mark.parametrize("payload", PAYLOADS, ids=ids(PAYLOADS))
def test_every_field_refuses_or_stores_every_payload_exactly(client, consultation, payload):
    respond = consultation.get_respond_url()
    submit = reverse("consultations:submit", kwargs={"slug": consultation.slug})
    found = []
    for name in field_names(consultation):
        where = f"{name}={payload.name}"
        pairs = _flat((other, value) for other, value in good_answers(consultation).items() if other != name)
        before = Response.objects.count()
        page = post(client, respond, [*pairs, (name, payload)])
        found += problems(page, payload, where=where)
        if page.status_code == 400 and payload.name == "too-many-fields":
            continue  # Django refuses more fields than it reads, before any form sees them
        if page.status_code != 200:
            found.append(f"{where}: answered {page.status_code}")
            continue
        answers = hidden_value(page, "answers")
        if answers is None:
            found += refusal_problems(page, name, where)
            text = name in TEXT_FIELDS or _is_text_question(consultation, name)
            fits = len(stored_text(payload.value)) <= NAME_LENGTH  # the shortest limit of these fields
            if text and fits and not unsaveable(payload.value):
                found.append(f"{where}: refused text it could have stored")
            continue
        if (name in TEXT_FIELDS or _is_text_question(consultation, name)) and unsaveable(payload.value):
            found.append(f"{where}: accepted text it cannot store")
        # Change, then send: both show the answer back.
        again = post(client, respond, [("answers", answers)])
        found += problems(again, payload, where=f"{where} (change)")
        sent = post(client, submit, [("answers", answers)])
        if sent.status_code != 302:
            found.append(f"{where}: sending the checked answers answered {sent.status_code}")
            continue
        found += problems(client.get(sent["Location"]), payload, where=f"{where} (sent)")
        if Response.objects.count() != before + 1:
            found.append(f"{where}: sending stored {Response.objects.count() - before} responses")
            continue
        found += round_trip_problems(consultation, name, payload, where)
    for url in (respond, submit):  # the signed answers "Change" and "Send" carry, as a field of its own
        page = post(client, url, [("answers", payload)])
        found += problems(page, payload, where=f"{url} answers={payload.name}")
        if page.status_code != 400 and "There is a problem" not in text_of(page):  # no answers sent: the form
            found.append(f"{url}: took answers={payload.name} with a {page.status_code}")
    found += staff_page_problems(consultation, payload)
    assert not found, "\n".join(found[:40])


def _pk(name):
    return int(name.removeprefix("question-")) if name.startswith("question-") else None


def _is_text_question(consultation, name):
    return consultation.questions.filter(pk=_pk(name), kind__in=[QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT])


def round_trip_problems(consultation, name, payload, where):
    """What was stored must be what was sent, as the field reads it."""
    expected = stored_text(payload.value)
    if name in TEXT_FIELDS or _is_text_question(consultation, name):
        wanted = expected if expected or name in TEXT_FIELDS else None
        value = stored_value(consultation, name)
        return [] if value == wanted else [f"{where}: stored {value!r:.80} for {wanted!r:.80}"]
    if name == "email":
        value = stored_value(consultation, name)
        return [] if value == expected else [f"{where}: stored the email address {value!r:.80}"]
    if name == "submission_key":
        return [] if SUBMISSION_KEY.fullmatch(Response.objects.latest("pk").submission_key) else [f"{where}: key"]
    return []  # a choice can only be one of those offered: the database's foreign keys hold it there


def staff_page_problems(consultation, payload):
    """The newest responses in the staff site, and both downloads: nothing unescaped, every formula neutralised."""
    staff = Client()
    staff.force_login(_superuser())
    found = []
    for response in Response.objects.filter(consultation=consultation):
        url = reverse("admin:consultations_response_change", args=[response.pk])
        found += problems(staff.get(url), payload, where=f"admin response {response.pk}")
    found += problems(staff.get(reverse("admin:consultations_response_changelist")), payload, where="responses")
    summary = reverse("admin:consultations_consultation_summary", args=[consultation.pk])
    found += problems(staff.get(summary), payload, where="summary")
    found += download_problems(staff, consultation)
    return found


def _superuser():
    user, _ = User.objects.get_or_create(username="hostile-admin", is_staff=True, is_superuser=True)
    return user


def download_problems(staff, consultation):
    """Both downloads hold the stored text, with an apostrophe before any cell a spreadsheet would read as a
    formula (the XLSX leaves out what XML cannot hold), and every XLSX cell is typed as text."""
    found = []
    expected = expected_rows(consultation)
    if read_csv(staff.get(csv_url(consultation))) != expected:
        found.append("CSV: does not hold the stored responses")
    if read_xlsx(staff.get(xlsx_url(consultation))) != [[NOT_XML.sub("", cell) for cell in row] for row in expected]:
        found.append("XLSX: does not hold the stored responses")
    content = b"".join(staff.get(xlsx_url(consultation)).streaming_content)
    cells = [cell for row in openpyxl.load_workbook(io.BytesIO(content))["Responses"].iter_rows() for cell in row]
    cells = [cell for cell in cells if cell.value not in (None, "")]
    found += [f"XLSX: cell {cell.value!r:.60} is typed {cell.data_type}" for cell in cells if cell.data_type != "s"]
    found += [f"XLSX: cell {cell.value!r:.60} would run as a formula" for cell in cells if is_formula(cell.value)]
    return found


def expected_rows(consultation):
    """The rows both downloads should hold (tests/consultations/test_exports's, with the one-choice answers)."""
    rows = stored_rows(consultation)
    one_choice = consultation.questions.filter(kind=QuestionKind.ONE_CHOICE).order_by("position")
    for question in one_choice:
        column = rows[0].index(f"Q{question.position}: {question.text}")
        for row, response in zip(rows[1:], consultation.responses.order_by("created_at", "pk"), strict=True):
            answer = response.answers.filter(question=question).first()
            text = answer.choices.get().text if answer else ""
            row[column] = f"'{text}" if text.startswith(FORMULA_STARTS) else text
    return rows


# -- CSRF and repeated fields -------------------------------------------------------------------------------------


@pytest.fixture
def careful_client():
    """A client that is held to Django's CSRF check, as a browser is."""
    return Client(enforce_csrf_checks=True)


def csrf_token(client, consultation):
    page = client.get(consultation.get_respond_url())
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]


def test_the_form_with_its_csrf_token_is_checked(careful_client, consultation):
    token = csrf_token(careful_client, consultation)
    pairs = [*good_answers(consultation).items(), ("csrfmiddlewaretoken", token)]
    page = post(careful_client, consultation.get_respond_url(), _flat(pairs))
    assert page.status_code == 200 and "Check your answers" in text_of(page)


@pytest.mark.parametrize("payload", [None, *TEXT], ids=["missing", *ids(TEXT)])
def test_a_missing_or_bad_csrf_token_is_refused_with_a_403(careful_client, consultation, payload):
    csrf_token(careful_client, consultation)  # the cookie is set; the form's token is not sent back
    pairs = _flat(good_answers(consultation).items())
    if payload is not None:
        pairs.append(("csrfmiddlewaretoken", payload))
    for url in (consultation.get_respond_url(), reverse("consultations:submit", kwargs={"slug": consultation.slug})):
        page = post(careful_client, url, pairs)
        assert page.status_code == 403, (url, page.status_code)
        assert not problems(page, payload or TEXT[0], where=url)  # with no token, read as for the first payload
    assert not Response.objects.exists()


def test_a_csrf_token_without_its_cookie_is_refused(careful_client, consultation):
    token = csrf_token(careful_client, consultation)
    careful_client.cookies.clear()
    pairs = [*_flat(good_answers(consultation).items()), ("csrfmiddlewaretoken", token)]
    assert post(careful_client, consultation.get_respond_url(), pairs).status_code == 403


def _flat(pairs):
    return [(n, v) for n, value in pairs for v in (value if isinstance(value, list) else [value])]


def test_a_field_given_twice_is_read_once_as_its_last_value(client, consultation):
    short = consultation.questions.get(kind=QuestionKind.SHORT_TEXT)
    pairs = _flat(good_answers(consultation).items())
    pairs += [("name", "First"), ("name", "Second"), (short.field_name, "=1+1"), ("respondent_type", "individual")]
    page = post(client, consultation.get_respond_url(), pairs)
    answers = hidden_value(page, "answers")
    sent = post(client, reverse("consultations:submit", kwargs={"slug": consultation.slug}), [("answers", answers)])
    assert sent.status_code == 302
    response = Response.objects.get()
    assert (response.name, response.respondent_type) == ("Second", "individual")
    assert response.answers.get(question=short).text == "=1+1"


def test_the_signed_answers_given_twice_are_read_once(client, consultation):
    page = post(client, consultation.get_respond_url(), _flat(good_answers(consultation).items()))
    answers = hidden_value(page, "answers")
    submit = reverse("consultations:submit", kwargs={"slug": consultation.slug})
    assert post(client, submit, [("answers", "garbage"), ("answers", answers)]).status_code == 302
    assert post(client, submit, [("answers", answers), ("answers", "garbage")]).status_code == 400
    assert Response.objects.count() == 1


# -- Downloads: authored text and answers that start as formulas --------------------------------------------------

FORMULAS = [payload for payload in PAYLOADS if payload.formula]


def a_response(consultation):
    """A response stored as it is, for answers the form itself would not let through."""
    return Response.objects.create(
        consultation=consultation,
        reference="ABCD-EF23",
        submission_key="stored-as-it-is",
        respondent_type="individual",
        consent="none",
    )


def test_every_formula_payload_is_in_the_corpus():
    assert {payload.value[0] for payload in FORMULAS} == set(FORMULA_STARTS)


@pytest.mark.parametrize("prefix", ["", "\x01", "\x1b", "\x0b"], ids=["plain", "soh", "escape", "vertical-tab"])
def test_a_choice_written_as_a_formula_is_text_in_both_downloads(admin_client, consultation, prefix):
    """Staff write the choices. One that starts as a formula is downloaded with its apostrophe, in the XLSX even
    behind a control character it cannot hold (and so leaves out)."""
    several = consultation.questions.get(kind=QuestionKind.SEVERAL_CHOICES)
    several.choices.filter(position=1).update(text=f"{prefix}=cmd|' /C calc'!A0")
    several.choices.filter(position=2).update(text=f"{prefix}@SUM(1+1)")
    answer = Answer.objects.create(response=a_response(consultation), question=several)
    answer.choices.set(several.choices.filter(position__in=[1, 2]))
    column = f"Q{several.position}: {several.text}"
    header, row = read_xlsx(admin_client.get(xlsx_url(consultation)))
    assert row[header.index(column)] == "'=cmd|' /C calc'!A0; @SUM(1+1)"
    header, row = read_csv(admin_client.get(csv_url(consultation)))
    written = f"{prefix}=cmd|' /C calc'!A0; {prefix}@SUM(1+1)"
    assert row[header.index(column)] == (written if prefix else f"'{written}")


# -- The staff sign-in form, which anyone can reach -----------------------------------------------------------------

SIGN_IN_RECORDS = ["axes_accessattempt", "axes_accessfailurelog"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=ids(PAYLOADS))
def test_the_staff_sign_in_form_refuses_every_payload(client, payload):
    """A failed sign-in is refused with a message and recorded (by django-axes) for staff to read, and neither
    the refusal nor the record shows the payload unescaped."""
    found = []
    for name in ("username", "password", "otp_token"):
        others = [(other, "not-a-user") for other in ("username", "password") if other != name]
        page = post(client, reverse("admin:login"), [*others, (name, payload)])
        found += problems(page, payload, where=f"sign in {name}={payload.name}")
        if page.status_code not in (200, 400, 403, 429):
            found.append(f"sign in {name}={payload.name}: answered {page.status_code}")
        too_long = name == "username" and len(payload.value.strip()) > User.username.field.max_length
        if too_long and "Ensure this value has at most 150 characters" not in text_of(page):
            found.append(f"sign in {name}={payload.name}: a name no account can have was looked up")
    staff = Client()
    staff.force_login(_superuser())
    for record in SIGN_IN_RECORDS:
        listed = staff.get(reverse(f"admin:{record}_changelist"))
        found += problems(listed, payload, where=record)
    assert not found, "\n".join(found[:40])


def test_noncharacters_xml_cannot_hold_are_left_out_of_the_xlsx(admin_client, consultation):
    """U+FFFE and U+FFFF are text a respondent may send, but no XML may hold them: the workbook must still open."""
    short = consultation.questions.get(kind=QuestionKind.SHORT_TEXT)
    Answer.objects.create(response=a_response(consultation), question=short, text="Ynys\ufffe Môn\uffff")
    header, row = read_xlsx(admin_client.get(xlsx_url(consultation)))
    assert row[header.index(f"Q{short.position}: {short.text}")] == "Ynys Môn"
