"""Importing grades from a CSV or Excel file in the admin: check, confirm, and everything arrives as a draft."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from forces.models import Force, Region
from inspections.imports import views
from inspections.imports.reading import MAX_BYTES
from inspections.models import Assessment, Pillar, PillarJudgment, Question, QuestionJudgment, Scale
from peel.publishing import Status
from peel.publishing.models import AuditEntry
from tests.factories import make_assessment, make_force, make_judgment, make_pillar, make_question, make_year

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:inspections_pillarjudgment_import")
CONFIRM = reverse("admin:inspections_pillarjudgment_import_confirm")
CHANGELIST = reverse("admin:inspections_pillarjudgment_changelist")
HEADER = ["year_slug", "force_slug", "pillar", "question_number", "grade", "source_url"]
SOURCE = "https://www.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/kent/"
PASSWORD = "a long enough password"


@pytest.fixture
def world():
    """PEEL 2016 (four grades) with Kent graded and published on effectiveness and its first question, and
    Essex not yet assessed."""
    year = make_year(slug="2016", title="PEEL 2016", label="2016", first_year=2016, scale=Scale.FOUR_POINT)
    pillar = make_pillar(year=year, name="Effectiveness", slug="effectiveness")
    make_question(pillar=pillar, number=1)
    make_question(pillar=pillar, number=2)
    kent = make_force(name="Kent Police", short_name="Kent", slug="kent")
    make_force(name="Essex Police", short_name="Essex", slug="essex")
    assessment = make_assessment(force=kent, year=year, status=Status.PUBLISHED)
    judgment = make_judgment(assessment=assessment, pillar=pillar, grade="good", source_url=SOURCE)
    QuestionJudgment.objects.create(
        pillar_judgment=judgment, question=pillar.questions.get(number=1), grade="good", source_url=SOURCE
    )
    return judgment


def csv_upload(rows, *, header=HEADER, name="grades.csv", encoding="utf-8"):
    text = "".join(",".join(row) + "\r\n" for row in [header, *rows])
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows, *, header=HEADER, name="grades.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile(name, data.getvalue(), content_type="application/vnd.ms-excel")


GOOD_ROWS = [
    ["2016", "kent", "Effectiveness", "", "Good", SOURCE],  # as it is
    ["2016", "kent", "Effectiveness", "1", "Outstanding", SOURCE],  # good before
    ["2016", "kent", "Effectiveness", "2", "Requires improvement", SOURCE],  # new question grade
    ["2016", "essex", "effectiveness", "", "Inadequate", "https://example.org/essex"],  # a new assessment
]


def check(client, upload):
    return client.post(IMPORT, {"file": upload})


def snapshot():
    return (
        sorted(Assessment.objects.values_list("force__slug", "status")),
        sorted(PillarJudgment.objects.values_list("assessment__force__slug", "grade", "status", "source_url")),
        sorted(QuestionJudgment.objects.values_list("question__number", "grade")),
    )


def test_the_change_list_links_to_the_import(admin_client, world):
    page = admin_client.get(CHANGELIST)
    assert page.status_code == 200
    assert f'href="{IMPORT}"' in page.text


def test_checking_a_file_shows_each_row_and_saves_nothing(admin_client, world):
    before = snapshot()

    page = check(admin_client, csv_upload(GOOD_ROWS))

    assert page.status_code == 200
    assert "Nothing has been saved yet" in page.text
    assert "Imported judgments arrive as drafts" in page.text
    outcomes = [(o.line, o.action, o.before, o.after, o.back_to_draft) for o in page.context["result"].outcomes]
    assert outcomes == [
        (2, "unchanged", "Good", "Good", False),
        (3, "changed", "Good", "Outstanding", True),
        (4, "created", "", "Requires improvement", False),  # the judgment is a draft by then
        (5, "created", "", "Inadequate", False),
    ]
    assert "Changed: Good → Outstanding" in page.text
    assert "Published judgment back to draft" in page.text
    assert page.context["result"].new_assessments == 1
    assert page.context["token"]
    assert f'action="{CONFIRM}"' in page.text
    assert snapshot() == before


def test_confirming_saves_every_row_as_a_draft(admin_client, world):
    token = check(admin_client, csv_upload(GOOD_ROWS)).context["token"]

    response = admin_client.post(CONFIRM, {"token": token}, follow=True)

    assert response.redirect_chain == [(f"{CHANGELIST}?status__exact=draft", 302)]
    message = [str(m) for m in response.context["messages"]][0]
    assert message.startswith("Imported 4 rows from “grades.csv”: 2 created, 1 changed, 1 unchanged.")
    assert "1 new assessment." in message
    assert "1 published judgment is back to draft." in message
    world.refresh_from_db()
    assert world.status == Status.DRAFT  # its first question's grade changed
    assert world.assessment.status == Status.PUBLISHED  # an existing assessment is left alone
    assert dict(world.question_judgments.values_list("question__number", "grade")) == {
        1: "outstanding",
        2: "requires-improvement",
    }
    essex = Assessment.objects.get(force__slug="essex")
    assert essex.status == Status.DRAFT
    assert essex.pillar_judgments.get().status == Status.DRAFT
    assert essex.pillar_judgments.get().grade == "inadequate"

    # The same file again changes nothing.
    page = check(admin_client, csv_upload(GOOD_ROWS))
    assert [o.action for o in page.context["result"].outcomes] == ["unchanged"] * 4


def test_a_question_may_come_before_its_pillar(admin_client, world):
    rows = [
        ["2016", "essex", "Effectiveness", "1", "Good", ""],
        ["2016", "essex", "Effectiveness", "", "Good", ""],
    ]
    page = check(admin_client, csv_upload(rows))
    assert [(o.action, o.after) for o in page.context["result"].outcomes] == [("created", "Good"), ("created", "Good")]
    admin_client.post(CONFIRM, {"token": page.context["token"]})
    judgment = PillarJudgment.objects.get(assessment__force__slug="essex")
    assert (judgment.grade, judgment.status) == ("good", Status.DRAFT)
    assert judgment.question_judgments.get().grade == "good"


def test_a_changed_pillar_grade_puts_a_published_judgment_back_to_draft(admin_client, world):
    rows = [["2016", "kent", "Effectiveness", "", "Not graded", SOURCE]]
    page = check(admin_client, csv_upload(rows))
    assert [(o.before, o.after, o.back_to_draft) for o in page.context["result"].outcomes] == [
        ("Good", "Not graded", True)
    ]
    admin_client.post(CONFIRM, {"token": page.context["token"]})
    world.refresh_from_db()
    assert (world.grade, world.not_graded, world.status) == ("", True, Status.DRAFT)


def test_every_problem_is_listed_by_line_and_the_file_cannot_be_confirmed(admin_client, world):
    before = snapshot()
    rows = [
        ["2016", "kent", "Effectiveness", "2", "Good", SOURCE],  # good on its own
        ["2099", "kent", "Effectiveness", "", "Good", ""],
        ["2016", "atlantis", "Effectiveness", "", "Good", ""],
        ["2016", "kent", "Leadership", "", "Good", ""],
        ["2016", "kent", "Effectiveness", "9", "Good", ""],
        ["2016", "essex", "Effectiveness", "", "Brilliant", ""],
        ["2016", "essex", "Effectiveness", "1", "Adequate", ""],
        ["2016", "essex", "Effectiveness", "2", "Good", "javascript:alert(1)"],
        ["2016", "kent", "Effectiveness", "2", "Good", ""],
        ["2016", "kent", "Effectiveness", "", "Good", "https://example.org/" + "a" * 500],
        ["2016", "essex", "Effec\x07tiveness", "", "Good", ""],
        ["2016", "kent", "Effectiveness", "1", "Not graded", ""],
    ]

    page = check(admin_client, csv_upload(rows))

    assert page.status_code == 200
    assert page.context["errors"] == [
        "line 3: unknown inspection year '2099'",
        "line 4: unknown force 'atlantis'",
        "line 5: PEEL 2016 has no pillar 'Leadership'",
        "line 6: Effectiveness (2016) has no question 9",
        "line 7: unknown grade 'Brilliant'",
        "line 8: grade: PEEL 2016 does not use “adequate”. Choose from: outstanding, good, requires improvement, "
        "inadequate",
        "line 9: source_url: only http:// and https:// addresses with a host are accepted, not 'javascript:alert(1)'",
        "line 10: this grade repeats line 2",
        "line 11: source_url: Ensure this value has at most 500 characters (it has 520)",
        "line 12: pillar: contains the control character U+0007, which is not allowed",
        "line 13: grade: only a pillar's row can say 'not graded'",
    ]
    assert "cannot be imported while it has problems" in page.text
    assert not page.context["token"]
    assert 'name="token"' not in page.text
    assert snapshot() == before


def test_confirming_checks_again_and_saves_nothing_when_a_row_no_longer_passes(admin_client, world):
    token = check(admin_client, csv_upload(GOOD_ROWS)).context["token"]
    before = snapshot()
    Force.objects.filter(slug="essex").update(slug="essex-police")  # the last row's force is gone

    page = admin_client.post(CONFIRM, {"token": token})

    assert page.status_code == 409
    assert page.context["errors"] == ["line 5: unknown force 'essex'"]
    assert "Nothing was saved" in page.text
    assert snapshot() == before  # not even the rows before it


def test_a_row_the_database_refuses_undoes_the_rows_saved_before_it(admin_client, world, monkeypatch):
    token = check(admin_client, csv_upload(GOOD_ROWS)).context["token"]
    before = snapshot()
    save = PillarJudgment.save

    def refuse_essex(judgment, *args, **kwargs):
        if judgment.assessment.force.slug == "essex":
            raise IntegrityError("refused")
        return save(judgment, *args, **kwargs)

    monkeypatch.setattr(PillarJudgment, "save", refuse_essex)
    page = admin_client.post(CONFIRM, {"token": token})

    assert page.status_code == 409
    assert page.context["errors"] == ["line 5: the database refused this row (refused)"]
    assert snapshot() == before


def test_a_token_carrying_a_bad_row_saves_nothing(admin_client, admin_user, world):
    before = snapshot()
    rows = [(2, dict(zip(HEADER, GOOD_ROWS[1], strict=True))), (3, dict(zip(HEADER, GOOD_ROWS[1], strict=True)))]
    page = admin_client.post(CONFIRM, {"token": views.make_token(admin_user, "forged.csv", rows)})
    assert page.status_code == 409
    assert page.context["errors"] == ["line 3: this grade repeats line 2"]
    assert snapshot() == before


@pytest.mark.parametrize("spoil", ["tampered", "someone else's", "expired", "missing"])
def test_a_spoilt_token_is_refused(admin_client, admin_user, django_user_model, world, monkeypatch, spoil):
    token = check(admin_client, csv_upload(GOOD_ROWS)).context["token"]
    before = snapshot()
    if spoil == "tampered":
        payload, rest = token.split(":", 1)
        token = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + ":" + rest
    elif spoil == "someone else's":
        other = django_user_model.objects.create_superuser("other", password=PASSWORD)
        token = views.make_token(other, "grades.csv", [(2, dict(zip(HEADER, GOOD_ROWS[1], strict=True)))])
    elif spoil == "expired":
        monkeypatch.setattr(views, "TOKEN_MAX_AGE", -1)
    else:
        token = ""

    page = admin_client.post(CONFIRM, {"token": token})

    assert page.status_code == 400
    assert "could not be confirmed" in page.text
    assert snapshot() == before


def test_confirming_takes_a_post_only(admin_client, world):
    assert admin_client.get(CONFIRM).status_code == 405


def test_an_excel_workbook_imports_like_a_csv_file(admin_client, world):
    rows = [[*row[:3], int(row[3]) if row[3] else None, *row[4:]] for row in GOOD_ROWS]  # numbers as numbers
    page = check(admin_client, xlsx_upload(rows))
    assert [o.action for o in page.context["result"].outcomes] == ["unchanged", "changed", "created", "created"]

    admin_client.post(CONFIRM, {"token": page.context["token"]})

    assert QuestionJudgment.objects.get(pillar_judgment=world, question__number=1).grade == "outstanding"
    assert Assessment.objects.get(force__slug="essex").status == Status.DRAFT


def test_an_excel_formula_is_read_as_the_text_written(admin_client, world):
    rows = [
        ["2016", "kent", "Effectiveness", 2.0, "=1+1", None],
        [None] * 6,  # an empty row is skipped, and the lines after it keep their numbers
        ["2016", "kent", "Effectiveness", "", "Good", '=HYPERLINK("https://example.org")'],
    ]
    page = check(admin_client, xlsx_upload(rows))
    assert page.context["errors"] == [
        "line 2: unknown grade '=1+1'",
        "line 4: source_url: only http:// and https:// addresses with a host are accepted, "
        "not '=HYPERLINK(\"https://example.org\")'",
    ]


def test_excel_cells_past_the_header_count_only_when_filled(admin_client, world):
    rows = [
        ["2016", "kent", "Effectiveness", "", "Good", SOURCE, None, None],
        ["2016", "kent", "Effectiveness", "1", "Good"],
    ]
    page = check(admin_client, xlsx_upload(rows))
    assert [(o.line, o.action, o.grade_changed, o.source_changed) for o in page.context["result"].outcomes] == [
        (2, "unchanged", False, False),
        (3, "changed", False, True),  # the missing source_url cell is empty
    ]
    assert "Changed: its source only" in page.text
    rows = [["2016", "kent", "Effectiveness", "", "Good", SOURCE, "", "extra"]]
    page = check(admin_client, xlsx_upload(rows))
    assert page.context["errors"] == ["line 2: this row has 8 fields where the header has 6"]


def test_a_csv_file_may_start_with_a_byte_order_mark_and_end_without_a_new_line(admin_client, world):
    text = "\ufeff" + ",".join(HEADER) + "\n" + ",".join(GOOD_ROWS[1])
    page = check(admin_client, SimpleUploadedFile("grades.csv", text.encode("utf-8")))
    assert [o.action for o in page.context["result"].outcomes] == ["changed"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            csv_upload([["2016", "kent", "Effectiveness", "", "Good", "https://example.org/café"]], encoding="latin-1"),
            "line 2: the file is not UTF-8 text (byte 0xE9 cannot be read). Save it from your spreadsheet as "
            "“CSV UTF-8”, or upload the .xlsx workbook itself.",
        ),
        (
            csv_upload([["2016", "kent", "Effectiveness"]], header=["year_slug", "force_slug", "pillar"]),
            "line 1: missing column(s): grade, question_number, source_url",
        ),
        (
            csv_upload([], header=["year_slug", "force_slug", "pillar", "pillar", "grade", "source_url"]),
            "line 1: the column 'pillar' appears twice",
        ),
        (
            xlsx_upload([], header=["year", "force"]),
            "line 1: missing column(s): force_slug, grade, pillar, question_number, source_url, year_slug",
        ),
        (
            SimpleUploadedFile("grades.txt", b"year_slug,force_slug\n"),
            "“grades.txt” is not a CSV file (.csv) or an Excel workbook (.xlsx).",
        ),
        (
            SimpleUploadedFile("grades.xls", b"\xd0\xcf\x11\xe0"),
            "“grades.xls” is not a CSV file (.csv) or an Excel workbook (.xlsx). Older .xls workbooks must be "
            "saved as .xlsx first.",
        ),
        (SimpleUploadedFile("grades.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("grades.csv", b"\n\n  \n"), "“grades.csv” is empty."),
        (csv_upload([]), "“grades.csv” has its header but no rows of grades after it."),
        (xlsx_upload([[None] * 6]), "“grades.xlsx” has its header but no rows of grades after it."),
        (
            SimpleUploadedFile("grades.csv", b'year_slug,"force_slug\n'),
            "line 1: a quoted field starts on this row and is never closed",
        ),
        (
            SimpleUploadedFile("grades.xlsx", b"year_slug,force_slug\n"),
            "“grades.xlsx” cannot be opened as an Excel workbook (.xlsx).",
        ),
        (
            SimpleUploadedFile("grades.xlsx", b"PK\x03\x04 not really a zip file"),
            "“grades.xlsx” cannot be opened as an Excel workbook (.xlsx).",
        ),
        (
            xlsx_upload([], name="grades.csv"),
            "“grades.csv” is a workbook or other zipped file, not CSV text. Save it from your spreadsheet as "
            "“CSV UTF-8”, or upload the .xlsx workbook itself.",
        ),
        (
            SimpleUploadedFile("grades.csv", b"x" * (MAX_BYTES + 1)),
            "“grades.csv” is more than 2 MB, the most a file may be: split it into smaller files.",
        ),
    ],
    ids=[
        "not UTF-8",
        "missing columns",
        "a column twice",
        "workbook without the columns",
        "text file",
        "old Excel",
        "empty",
        "blank",
        "header only",
        "workbook header only",
        "bad CSV",
        "xlsx that is not",
        "broken zip",
        "workbook named csv",
        "too big",
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message(admin_client, world, upload, message):
    before = snapshot()
    page = check(admin_client, upload)
    assert page.status_code == 200
    assert page.context["form"].errors["file"] == [message]
    assert "This file cannot be imported." in page.text
    assert snapshot() == before


def test_a_workbook_without_a_header_is_refused(admin_client, world):
    workbook = openpyxl.Workbook()
    workbook.active["A3"] = "2016"
    data = io.BytesIO()
    workbook.save(data)
    page = check(admin_client, SimpleUploadedFile("grades.xlsx", data.getvalue()))
    assert page.context["form"].errors["file"] == [
        "“grades.xlsx”: the first row of the first worksheet must be the header, and it is empty."
    ]


def test_ten_thousand_rows_check_and_import(admin_client):
    """A year of 100 forces and 10 pillars of 9 questions each: a grade for every one is 10,000 rows."""
    year = make_year(slug="2016", title="PEEL 2016", label="2016", first_year=2016)
    region = Region.objects.create(name="Somewhere", slug="somewhere")
    Force.objects.bulk_create(
        Force(name=f"Force {n} Police", short_name=f"Force {n}", slug=f"force-{n}", region=region) for n in range(100)
    )
    pillars = Pillar.objects.bulk_create(
        Pillar(year=year, kind=Pillar.Kind.AREA, name=f"Area {n}", slug=f"area-{n}", position=n) for n in range(10)
    )
    Question.objects.bulk_create(
        Question(pillar=pillar, number=n, text=f"Question {n}?") for pillar in pillars for n in range(1, 10)
    )
    source = "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/force-{}/"
    rows = [
        ["2016", f"force-{force}", f"Area {pillar}", str(number or ""), "Good", source.format(force)]
        for force in range(100)
        for pillar in range(10)
        for number in range(10)
    ]
    assert len(rows) == 10_000

    page = check(admin_client, csv_upload(rows))

    assert page.status_code == 200
    assert page.context["counts"]["created"] == 10_000
    assert page.context["result"].new_assessments == 100
    assert not PillarJudgment.objects.exists()
    admin_client.post(CONFIRM, {"token": page.context["token"]})
    assert PillarJudgment.objects.filter(status=Status.DRAFT).count() == 1_000
    assert QuestionJudgment.objects.count() == 9_000
    assert set(Assessment.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_rows_too_many_to_carry_to_the_confirmation_are_refused(admin_client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = views.TOKEN_ROOM + 100  # no room for the token in a form
    page = check(admin_client, csv_upload(GOOD_ROWS))
    assert page.context["errors"] == ["this file is too large to confirm in one go: split it into smaller files"]
    assert 'name="token"' not in page.text


def test_more_than_ten_thousand_rows_are_refused(admin_client, world):
    rows = [["2016", "kent", "Effectiveness", "", "Good", ""]] * 10_001
    page = check(admin_client, csv_upload(rows))
    assert page.context["form"].errors["file"] == [
        "“grades.csv” has more than 10,000 rows: split it into smaller files."
    ]


def staff(django_user_model, client, *codenames):
    user = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="inspections", codename__in=codenames))
    client.force_login(user)
    return user


def test_staff_who_may_add_and_change_judgments_may_import(client, django_user_model, world):
    # Publishing too: the file changes a published grade, which only a publisher may take back to draft.
    staff(
        django_user_model,
        client,
        "view_pillarjudgment",
        "add_pillarjudgment",
        "change_pillarjudgment",
        "publish_pillarjudgment",
    )
    assert f'href="{IMPORT}"' in client.get(CHANGELIST).text
    page = check(client, csv_upload(GOOD_ROWS))
    assert page.status_code == 200
    assert client.post(CONFIRM, {"token": page.context["token"]}).status_code == 302
    assert Assessment.objects.filter(force__slug="essex").exists()


@pytest.mark.parametrize("codenames", [["view_pillarjudgment"], ["view_pillarjudgment", "change_pillarjudgment"]])
def test_staff_without_both_permissions_cannot_import(client, django_user_model, admin_user, world, codenames):
    staff(django_user_model, client, *codenames)
    token = views.make_token(admin_user, "grades.csv", [(2, dict(zip(HEADER, GOOD_ROWS[3], strict=True)))])
    before = snapshot()

    assert f'href="{IMPORT}"' not in client.get(CHANGELIST).text
    assert client.get(IMPORT).status_code == 403
    assert check(client, csv_upload(GOOD_ROWS)).status_code == 403
    assert client.post(CONFIRM, {"token": token}).status_code == 403
    assert snapshot() == before


def test_the_public_is_sent_to_sign_in(client, world):
    response = client.get(IMPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_every_post_needs_the_csrf_token(admin_user, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.get(IMPORT).status_code == 200
    assert client.post(IMPORT, {"file": csv_upload(GOOD_ROWS)}).status_code == 403
    assert client.post(CONFIRM, {"token": "anything"}).status_code == 403


def test_an_import_is_recorded_as_one_revision_by_whoever_confirmed_it(admin_client, admin_user, world):
    from reversion.models import Revision

    before = Revision.objects.count()
    token = check(admin_client, csv_upload(GOOD_ROWS)).context["token"]
    admin_client.post(CONFIRM, {"token": token})
    revision = Revision.objects.order_by("-pk").first()
    assert Revision.objects.count() == before + 1
    assert revision.user == admin_user
    assert revision.comment == "Imported from grades.csv"


def test_an_editor_cannot_take_a_public_grade_down_by_import(client, editor, world):
    client.force_login(editor)
    page = check(client, csv_upload(GOOD_ROWS))
    errors = {o.line: o.reason for o in page.context["result"].outcomes if o.action == "error"}
    assert errors and all("only a publisher can import that" in reason for reason in errors.values())
    assert not page.context["token"]  # nothing to confirm
    world.refresh_from_db()
    assert world.status == Status.PUBLISHED


def test_an_import_is_in_the_audit_log_and_its_rows_are_the_importers_edits(admin_client, admin_user, world):
    page = check(admin_client, csv_upload(GOOD_ROWS))
    admin_client.post(CONFIRM, {"token": page.context["token"]})
    entry = AuditEntry.objects.get(action="imported")
    assert entry.username == admin_user.username and "grades.csv" in entry.detail
    assert set(PillarJudgment.objects.filter(status=Status.DRAFT).values_list("changed_by", flat=True)) == {
        admin_user.pk
    }
