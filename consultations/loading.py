"""Loading consultations from the TOML files in data/consultations/, the way load_peel_data loads the facts.

The load is one transaction and safe to run again: a consultation is matched on its slug, its questions on
their position, its choices on their text, its documents on their position and its outcome counts on who
they count. Missing rows are created and rows the file says something different about are changed, each
checked as the admin would check it first. A consultation is published when it is first loaded and never
unpublished or republished by a later load. Nothing is deleted, and responses are never touched.

Anything wrong stops the load with ``file:where: reason`` (TOML has no line numbers once it is parsed, so
"where" names the table, as in ``consultations/demo.toml:consultations[1].questions[2]``) and leaves the
database as it was.
"""

import datetime
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from inspections.loading import files
from inspections.loading.store import LoadError, Store, Tally
from inspections.loading.values import web_address
from peel.publishing import Status

from .models import Choice, Consultation, Document, OutcomeCount, Question

DATA_DIR = Path(settings.BASE_DIR) / "data" / "consultations"
LONDON = zoneinfo.ZoneInfo("Europe/London")

DATES = ("opens_at", "closes_at", "open_for_days")
CONSULTATION_KEYS = (
    "slug",
    "title",
    "summary",
    *DATES,
    "time_to_answer",
    "body",
    "privacy_notice",
    "outcome",
    "outcome_published_on",
    "documents",
    "outcome_counts",
    "questions",
)
QUESTION_KEYS = ("kind", "text", "hint", "required", "max_length", "choices")
DOCUMENT_KEYS = ("title", "url")
COUNT_KEYS = ("respondents", "count")


class Table(files.Table):
    """A TOML table, with the value types consultations need beyond those of the PEEL data."""

    def moment(self, key):
        """A date and time, read as UK time unless the file gives its offset."""
        value = self._get(key, datetime.datetime, "a date and time, as 2024-09-30T09:00:00", True)
        return timezone.make_aware(value, LONDON) if timezone.is_naive(value) else value

    def whole(self, key, *, smallest=1):
        value = self._get(key, int, "a whole number", False)
        if value is not None and value < smallest:
            raise self.error(f"{key}: must be {smallest} or more, not {value}")
        return value

    def flag(self, key):
        return bool(self._get(key, bool, "true or false", False))

    def strings(self, key):
        values = self._get(key, list, "a list of strings", False) or []
        for index, value in enumerate(values, 1):
            if not isinstance(value, str):
                raise self.error(f"{key}[{index}]: must be a string, not {files.kind(value)}")
        return [files.check_text(value, key).strip() for value in values]

    def tables(self, key, keys):
        return tables(self.file, f"{self.header}.{key}", f"{self.where}.{key}", self.data.get(key, []), keys)


def tables(file, header, where, value, keys):
    if not isinstance(value, list):
        raise LoadError(file, where, f"must be a list of tables, written [[{header}]], not {files.kind(value)}")
    return [Table(file, header, f"{where}[{index}]", item, keys) for index, item in enumerate(value, 1)]


class ConsultationLoader:
    def __init__(self, data_dir=DATA_DIR, *, today=None):
        self.data_dir = Path(data_dir)
        self.today = today or timezone.localdate()
        self.tally = Tally()
        self.seen = {}

    def run(self):
        if not self.data_dir.is_dir():
            raise LoadError(self.data_dir, 0, "this is not a folder" if self.data_dir.exists() else "folder not found")
        with transaction.atomic():
            t = self.tally
            self.consultations = Store(Consultation, ["slug"], t)
            self.questions = Store(Question, ["consultation", "position"], t)
            self.choices = Store(Choice, ["question", "text"], t)
            self.documents = Store(Document, ["consultation", "position"], t)
            self.counts = Store(OutcomeCount, ["consultation", "respondents"], t)
            for path in sorted(self.data_dir.glob("*.toml")):
                self.load_file(path)
        return self.tally

    def load_file(self, path):
        name = f"consultations/{path.name}"
        data = files.read_toml(path, name)
        for key in data:
            if key != "consultations":
                raise LoadError(name, key, "unknown table; a consultations file holds [[consultations]] only")
        for table in tables(name, "consultations", "consultations", data.get("consultations", []), CONSULTATION_KEYS):
            self._guard(table, self._consultation, table)

    def _guard(self, table, work, *args):
        try:
            return work(*args)
        except ValueError as error:
            raise LoadError(table.file, table.where, str(error)) from None
        except DatabaseError as error:  # what the checks before saving did not foresee
            raise LoadError(table.file, table.where, f"the database refused this row ({error})") from None

    def _consultation(self, table):
        slug = table.text("slug")
        first = self.seen.setdefault(slug, f"{table.file}:{table.where}")
        if first != f"{table.file}:{table.where}":
            raise ValueError(f"the consultation {slug!r} is already in {first}")
        existing = self.consultations.get(slug)
        values = {key: table.text(key) for key in ("title", "summary", "body")}
        values |= {key: table.text(key, required=False) for key in ("privacy_notice", "outcome")}
        values["time_to_answer"] = table.whole("time_to_answer")
        on_create = {"slug": slug, "status": Status.PUBLISHED}
        self._dates(table, values, on_create)
        if "outcome_published_on" in table:
            values["outcome_published_on"] = table.date("outcome_published_on")
        elif values["outcome"] and (existing is None or existing.outcome_published_on is None):
            values["outcome_published_on"] = self.today  # shown from the day it is first loaded
        consultation = self.consultations.upsert(slug, values, on_create=on_create)
        for position, entry in enumerate(table.tables("documents", DOCUMENT_KEYS), 1):
            self._guard(entry, self._document, entry, consultation, position)
        for position, entry in enumerate(table.tables("outcome_counts", COUNT_KEYS), 1):
            self._guard(entry, self._count, entry, consultation, position)
        for position, entry in enumerate(table.tables("questions", QUESTION_KEYS), 1):
            self._guard(entry, self._question, entry, consultation, position)

    def _dates(self, table, values, on_create):
        given = [key for key in DATES if key in table]
        if given == ["open_for_days"]:
            # Open from 9am the day before it is first loaded (so it is open at once, whatever the hour), for
            # the days given; the dates are the file's only when the consultation is created.
            days = table.whole("open_for_days")
            the_day_before = self.today - datetime.timedelta(days=1)
            start = timezone.make_aware(datetime.datetime.combine(the_day_before, datetime.time(9)), LONDON)
            last_day = datetime.datetime.combine(self.today + datetime.timedelta(days=days), datetime.time(23, 59))
            on_create |= {"opens_at": start, "closes_at": timezone.make_aware(last_day, LONDON)}
        elif given == ["opens_at", "closes_at"]:
            values |= {"opens_at": table.moment("opens_at"), "closes_at": table.moment("closes_at")}
        else:
            raise ValueError("give either opens_at and closes_at, or open_for_days")

    def _document(self, table, consultation, position):
        values = {"title": table.text("title"), "url": web_address(table.text("url"), "url")}
        on_create = {"consultation": consultation, "position": position}
        self.documents.upsert((consultation.pk, position), values, on_create=on_create)

    def _count(self, table, consultation, position):
        respondents = table.text("respondents")
        values = {"count": table.whole("count", smallest=0), "position": position}
        if values["count"] is None:
            raise ValueError("missing required key 'count'")
        on_create = {"consultation": consultation, "respondents": respondents}
        self.counts.upsert((consultation.pk, respondents), values, on_create=on_create)

    def _question(self, table, consultation, position):
        kind = table.text("kind", required=False, default=Question.Kind.LONG_TEXT)
        choices = table.strings("choices")
        if kind in Question.CHOICE_KINDS and len(choices) < 2:
            raise ValueError(f"a {kind} question needs a list of at least two choices")
        if kind not in Question.CHOICE_KINDS and choices:
            raise ValueError(f"choices: a {kind} question has none")
        repeated = next((text for index, text in enumerate(choices) if text in choices[:index]), None)
        if repeated:
            raise ValueError(f"choices: {repeated!r} appears twice")
        values = {
            "kind": kind,
            "text": table.text("text"),
            "hint": table.text("hint", required=False),
            "required": table.flag("required"),
            "max_length": table.whole("max_length"),
        }
        on_create = {"consultation": consultation, "position": position}
        question = self.questions.upsert((consultation.pk, position), values, on_create=on_create)
        for index, text in enumerate(choices, 1):
            self.choices.upsert(
                (question.pk, text), {"position": index}, on_create={"question": question, "text": text}
            )
