"""load_consultations: the demo consultations from data/consultations/, idempotent, refusing bad files whole."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consultations.loading import ConsultationLoader
from consultations.models import Consultation, OutcomeCount, Phase, Question, Response
from inspections.loading import LoadError
from peel.publishing import Status
from tests.consultations.helpers import good_answers, send, text_of

pytestmark = pytest.mark.django_db

PROGRAMME = "policing-inspection-programme-2025-29"
DEMO = "how-should-this-site-show-peel-grades"


def load(**options):
    out = io.StringIO()
    call_command("load_consultations", stdout=out, **options)
    return out.getvalue()


def test_the_programme_consultation_is_closed_with_its_outcome_counted_by_respondent(client):
    load()
    programme = Consultation.objects.for_page().get(slug=PROGRAMME)
    assert programme.is_published and programme.phase == Phase.OUTCOME
    assert timezone.localtime(programme.opens_at).date() == datetime.date(2024, 9, 30)
    assert timezone.localtime(programme.closes_at).date() == datetime.date(2024, 10, 25)
    assert [q.kind for q in programme.questions.all()] == ["long-text", "agree-scale", "long-text"]
    counts = {c.respondents: c.count for c in OutcomeCount.objects.filter(consultation=programme)}
    assert list(counts.values()) == [28, 11, 16, 5, 1] and programme.outcome_total == 61
    assert not Response.objects.exists()  # the 61 are counts in the outcome, never made-up responses
    page = text_of(client.get(programme.get_absolute_url()))
    assert "Police forces 28 Police and crime commissioners 11 Other organisations 16" in page
    assert "Members of the public 5 The Home Office (from the Home Secretary) 1 Total 61" in page
    assert "Summary of consultation responses, on the inspectorate’s website" in page


def test_the_demo_consultation_is_open_for_a_year_from_the_day_it_is_loaded(client):
    load()
    demo = Consultation.objects.get(slug=DEMO)
    today = timezone.localdate()
    assert demo.phase == Phase.OPEN
    assert timezone.localtime(demo.closes_at).date() == today + datetime.timedelta(days=365)
    assert "(demonstration): For consultation" in text_of(client.get("/"))
    scale = demo.questions.get(kind="agree-scale")
    answers = {q.field_name: None for q in demo.questions.all()} | {scale.field_name: "neither"}
    assert send(client, demo, good_answers(demo, **answers)).status_code == 302


def test_loading_again_changes_nothing_and_leaves_editors_decisions_alone():
    load()
    demo = Consultation.objects.get(slug=DEMO)
    extended = demo.closes_at + datetime.timedelta(days=30)
    Consultation.objects.filter(slug=DEMO).update(closes_at=extended)
    Consultation.objects.filter(slug=PROGRAMME).update(status=Status.DRAFT)  # withdrawn by an editor
    output = load()
    assert "total: 0 created, 0 changed" in output and "Consultations loaded." in output
    assert Consultation.objects.get(slug=DEMO).closes_at == extended
    assert Consultation.objects.get(slug=PROGRAMME).status == Status.DRAFT


def test_moving_the_closing_time_in_the_file_keeps_every_response(tmp_path, client):
    write(tmp_path, "a.toml", CLOSED_SOON)
    ConsultationLoader(tmp_path).run()
    consultation = Consultation.objects.get(slug="soon")
    send(client, consultation, good_answers(consultation))
    write(tmp_path, "a.toml", CLOSED_SOON.replace("2099-01-01", "2099-06-30"))
    tally = ConsultationLoader(tmp_path).run()
    assert tally.changed == 1
    assert Response.objects.filter(consultation__slug="soon").count() == 1


CLOSED_SOON = """
[[consultations]]
slug = "soon"
title = "Soon"
summary = "A summary."
body = "A body."
opens_at = 2020-01-01T09:00:00
closes_at = 2099-01-01T23:59:00

[[consultations.questions]]
kind = "short-text"
text = "Why?"
"""


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CLOSED_SOON.replace('title = "Soon"', 'titel = "Soon"'), "a.toml:consultations[1]: unknown key 'titel'"),
        (
            CLOSED_SOON.replace("2099-01-01", "2019-01-01"),
            "a.toml:consultations[1]: closes_at: The closing time must be after the opening time",
        ),
        (CLOSED_SOON.replace("opens_at = 2020-01-01T09:00:00", ""), "give either opens_at and closes_at, or open_"),
        (
            CLOSED_SOON.replace("opens_at = 2020-01-01T09:00:00", "opens_at = 2020-01-01"),
            "a.toml:consultations[1]: opens_at: must be a date and time, as 2024-09-30T09:00:00, not a date",
        ),
        (
            CLOSED_SOON + '[[consultations.documents]]\ntitle = "Bad"\nurl = "javascript:alert(1)"\n',
            "a.toml:consultations[1].documents[1]: url: only http:// and https:// addresses",
        ),
        (
            CLOSED_SOON.replace('kind = "short-text"', 'kind = "essay"'),
            "a.toml:consultations[1].questions[1]: kind: Value 'essay' is not a valid choice",
        ),
        (
            CLOSED_SOON.replace('text = "Why?"', 'text = "Why?"\nchoices = ["A", "B"]'),
            "a.toml:consultations[1].questions[1]: choices: a short-text question has none",
        ),
        (
            CLOSED_SOON.replace('kind = "short-text"', 'kind = "one-choice"\nchoices = ["A", "A"]'),
            "a.toml:consultations[1].questions[1]: choices: 'A' appears twice",
        ),
        (
            CLOSED_SOON.replace('kind = "short-text"', 'kind = "several-choices"'),
            "a.toml:consultations[1].questions[1]: a several-choices question needs a list of at least two choices",
        ),
        (
            CLOSED_SOON.replace('text = "Why?"', 'text = "Why?"\nmax_length = 999999'),
            "a.toml:consultations[1].questions[1]: max_length: Choose a limit from 1 to 20,000 characters",
        ),
        (CLOSED_SOON.replace('body = "A body."', 'body = "Bell \\u0007"'), "body: contains the control character"),
        (CLOSED_SOON.replace('summary = "A summary."', "summary = "), "a.toml:5: Invalid value (column 11)"),
        ("[[forces]]\nslug = 'x'\n", "a.toml:forces: unknown table; a consultations file holds [[consultations]] only"),
        (CLOSED_SOON + CLOSED_SOON, "a.toml:consultations[2]: the consultation 'soon' is already in"),
    ],
)
def test_a_bad_file_stops_the_load_with_where_and_why_and_changes_nothing(tmp_path, text, message):
    write(tmp_path, "0-good.toml", CLOSED_SOON.replace('"soon"', '"good"').replace('"Soon"', '"Good"'))
    write(tmp_path, "a.toml", text)
    with pytest.raises(LoadError) as error:
        ConsultationLoader(tmp_path).run()
    assert message in str(error.value)
    assert not Consultation.objects.exists() and not Question.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "a.toml").write_bytes(CLOSED_SOON.encode().replace(b"A body.", b"A b\xf6dy."))
    with pytest.raises(LoadError, match="a.toml:6: the file is not UTF-8 text"):
        ConsultationLoader(tmp_path).run()


def test_the_command_reports_a_bad_file_and_that_nothing_was_loaded(tmp_path):
    write(tmp_path, "a.toml", CLOSED_SOON.replace('title = "Soon"', ""))
    with pytest.raises(CommandError, match=r"a.toml:consultations\[1\]: missing required key 'title'. Nothing was"):
        load(data_dir=tmp_path)
    with pytest.raises(CommandError, match="folder not found"):
        load(data_dir=tmp_path / "missing")
