"""Loading the published PEEL facts (and the demo narrative) into the database.

The load is one transaction and safe to run again: each row is matched on its natural key (a force's slug,
a year's slug, a force and year, ...), created when missing, changed only where the data says something
different, and left alone otherwise. A row that cannot be loaded stops everything with ``file:line: reason``
and the database is left as it was.

Only the fields the data speaks for are written, so a later run does not undo an editor's work on other
fields, and content is published when it is first created but its publication state is never changed again.
"""

import csv
import datetime
import tomllib
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from forces.models import ContextPoint, Country, Force, KeyFact, PlanPriority, Region
from inspections.models import (
    Assessment,
    Grade,
    InspectionYear,
    Inspector,
    Pillar,
    PillarJudgment,
    Question,
    QuestionJudgment,
    Report,
    Scale,
)
from peel.publishing import Status

DATA_DIR = Path(settings.BASE_DIR) / "data"

# forces.csv's area and population columns are the figures from the force pages' "Key facts – 2019/20".
FORCES_CSV_KEY_FACT_PERIOD = "2019/20"

SCALES = {
    "outstanding|good|requires improvement|inadequate": Scale.FOUR_POINT,
    "outstanding|good|adequate|requires improvement|inadequate": Scale.FIVE_POINT,
}
GRADE_WORDS = {label.lower(): value for value, label in Grade.choices}
NOT_GRADED = "not graded"
NAME_SUFFIXES = (" Police Service", " Constabulary", " Police")


class LoadError(Exception):
    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}")


class Tally:
    """How many rows of each model this load created, changed or found already up to date.

    A row touched several times (an assessment named by many grades) counts once, by the most it went
    through: created, else changed, else unchanged.
    """

    RANK = {"unchanged": 0, "changed": 1, "created": 2}

    def __init__(self):
        self.outcomes = defaultdict(dict)

    def add(self, model, key, outcome):
        seen = self.outcomes[model._meta.verbose_name_plural]
        if self.RANK[outcome] >= self.RANK.get(seen.get(key), -1):
            seen[key] = outcome

    def count(self, outcome):
        return sum(list(rows.values()).count(outcome) for rows in self.outcomes.values())

    @property
    def created(self):
        return self.count("created")

    @property
    def changed(self):
        return self.count("changed")

    def lines(self):
        for name, rows in self.outcomes.items():
            c = Counter(rows.values())
            yield f"{name}: {c['created']} created, {c['changed']} changed, {c['unchanged']} unchanged"
        yield f"total: {self.created} created, {self.changed} changed"


class Store:
    """Existing rows of one model by natural key, so a load makes one query per model to find them."""

    def __init__(self, model, key, tally):
        self.model, self.key, self.tally = model, key, tally
        self.rows = {key(obj): obj for obj in model.objects.all()}

    def get(self, key):
        return self.rows.get(key)

    def upsert(self, key, values, *, on_create=None, validate=None):
        """Create or update the row for ``key`` so that it has ``values``; returns the row."""
        obj = self.rows.get(key)
        if obj is None:
            obj = self.model(**values, **(on_create or {}))
            changed = "created"
        else:
            changed = "changed" if any(_differs(getattr(obj, k), v) for k, v in values.items()) else "unchanged"
            for name, value in values.items():
                setattr(obj, name, value)
        if changed != "unchanged":
            if validate:
                validate(obj)
            obj.save()
            self.rows[key] = obj
        self.tally.add(self.model, key, changed)
        return obj


def _differs(current, new):
    if hasattr(new, "pk") and hasattr(current, "pk"):
        return current.pk != new.pk
    return current != new


def _clean(obj):
    try:
        obj.clean()
    except ValidationError as error:
        raise ValueError("; ".join(m for messages in error.message_dict.values() for m in messages)) from None


def read_csv(path, columns):
    """Yield (line number, row) for each data row, checking the header first."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or [])
        if missing:
            raise LoadError(path.name, 1, f"missing column(s): {', '.join(sorted(missing))}")
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


class Loader:
    def __init__(self, data_dir=DATA_DIR, *, demo=True):
        self.data_dir = Path(data_dir)
        self.demo = demo
        self.tally = Tally()

    def run(self):
        with transaction.atomic():
            self._stores()
            self.load_forces()
            self.load_years()
            self.load_questions()
            self.load_judgments()
            if self.demo and (self.data_dir / "demo").is_dir():
                for path in sorted((self.data_dir / "demo").glob("*.toml")):
                    self.load_narrative(path)
        return self.tally

    def _stores(self):
        t = self.tally
        self.regions = Store(Region, lambda o: o.slug, t)
        self.forces = Store(Force, lambda o: o.slug, t)
        self.key_facts = Store(KeyFact, lambda o: (o.force_id, o.period, o.measure), t)
        self.years = Store(InspectionYear, lambda o: o.slug, t)
        self.pillars = Store(Pillar, lambda o: (o.year_id, o.slug), t)
        self.questions = Store(Question, lambda o: (o.pillar_id, o.number), t)
        self.inspectors = Store(Inspector, lambda o: o.name, t)
        self.assessments = Store(Assessment, lambda o: (o.force_id, o.year_id), t)
        self.pillar_judgments = Store(PillarJudgment, lambda o: (o.assessment_id, o.pillar_id), t)
        self.question_judgments = Store(QuestionJudgment, lambda o: (o.pillar_judgment_id, o.question_id), t)
        self.reports = Store(Report, lambda o: (o.force_id, o.year_id, o.title), t)
        self.context_points = Store(ContextPoint, lambda o: (o.force_id, o.position), t)
        self.plan_priorities = Store(PlanPriority, lambda o: (o.force_id, o.position), t)

    # A problem in a row becomes a LoadError naming the file and the row.
    def _read(self, name, columns):
        path = self.data_dir / name
        if not path.exists():
            raise LoadError(name, 0, "file not found")
        return list(read_csv(path, columns))

    def _each(self, name, rows, load, *, key, what):
        """Load each (line, row) with ``load(row)``; ``key(row)`` names the row, and a name may not repeat."""
        seen = {}
        for line, row in rows:
            self._guard(name, line, self._load_once, row, line, seen, load, key, what)

    @staticmethod
    def _load_once(row, line, seen, load, key, what):
        first = seen.setdefault(key(row), line)
        if first != line:
            raise ValueError(f"{what(row)} repeats line {first}")
        load(row)

    def _guard(self, name, line, work, *args):
        try:
            return work(*args)
        except LoadError:
            raise
        except (ValueError, KeyError, InvalidOperation) as error:
            reason = error.args[0] if error.args else str(error)
            raise LoadError(name, line, reason) from None

    def _force(self, slug):
        force = self.forces.get(slug)
        if force is None:
            raise ValueError(f"unknown force {slug!r}")
        return force

    def _year(self, slug):
        year = self.years.get(slug)
        if year is None:
            raise ValueError(f"unknown inspection year {slug!r}")
        return year

    def _pillar(self, year, name):
        pillar = self.pillars.get((year.pk, slugify(name)))
        if pillar is None:
            raise ValueError(f"{year.title} has no pillar {name!r}")
        return pillar

    def _question(self, pillar, number):
        question = self.questions.get((pillar.pk, _number(number)))
        if question is None:
            raise ValueError(f"{pillar} has no question {number}")
        return question

    def load_forces(self):
        columns = ["name", "slug", "region", "country", "area_sq_miles", "population"]
        rows = self._read("forces.csv", columns)
        self._each("forces.csv", rows, self._force_row, key=lambda r: r["slug"], what=lambda r: f"force {r['slug']!r}")

    def _force_row(self, row):
        if not row["slug"] or not row["name"] or not row["region"]:
            raise ValueError("name, slug and region are required")
        country = row["country"].lower()
        if country not in Country.values:
            raise ValueError(f"country must be England or Wales, not {row['country']!r}")
        region = self.regions.upsert(
            slugify(row["region"]), {"name": row["region"]}, on_create={"slug": slugify(row["region"])}
        )
        force = self.forces.upsert(
            row["slug"],
            {"name": row["name"], "region": region, "country": country},
            on_create={"slug": row["slug"], "short_name": short_name(row["name"])},
        )
        for measure, column in ((KeyFact.Measure.AREA, "area_sq_miles"), (KeyFact.Measure.POPULATION, "population")):
            if row[column]:
                self.key_facts.upsert(
                    (force.pk, FORCES_CSV_KEY_FACT_PERIOD, measure),
                    {"value": _decimal(row[column], column)},
                    on_create={"force": force, "period": FORCES_CSV_KEY_FACT_PERIOD, "measure": measure},
                )

    def load_years(self):
        rows = self._read("peel_years.csv", ["year_slug", "title", "grading_scale", "published", "notes"])
        key = lambda r: r["year_slug"]  # noqa: E731
        self._each("peel_years.csv", rows, self._year_row, key=key, what=lambda r: f"year {key(r)!r}")

    def _year_row(self, row):
        slug = row["year_slug"]
        if not slug[:4].isdigit():
            raise ValueError(f"year_slug must start with the year, not {slug!r}")
        scale = SCALES.get(row["grading_scale"].lower())
        if scale is None:
            raise ValueError(f"unknown grading scale {row['grading_scale']!r}")
        published_on, precision = _date_or_month(row["published"])
        self.years.upsert(
            slug,
            {
                "title": row["title"],
                "label": row["title"].removeprefix("PEEL ").strip(),
                "first_year": int(slug[:4]),
                "scale": scale,
                "published_on": published_on,
                "published_precision": precision,
                "notes": row["notes"],
            },
            on_create={"slug": slug, "status": Status.PUBLISHED},
        )

    def load_questions(self):
        columns = ["year_slug", "pillar", "question_number", "question_text", "graded"]
        rows = self._read("peel_questions.csv", columns)
        # A pillar with no headline row is graded when any of its questions is.
        self._any_graded = defaultdict(bool)
        for _, row in rows:
            self._any_graded[(row["year_slug"], slugify(row["pillar"]))] |= row["graded"] == "yes"
        self._positions = {}
        self._each(
            "peel_questions.csv",
            rows,
            self._question_row,
            key=lambda r: (r["year_slug"], slugify(r["pillar"]), r["question_number"]),
            what=lambda r: "this pillar and question",
        )

    def _question_row(self, row):
        year = self._year(row["year_slug"])
        if row["graded"] not in {"yes", "no"}:
            raise ValueError(f"graded must be yes or no, not {row['graded']!r}")
        graded = row["graded"] == "yes"
        slug = slugify(row["pillar"])
        if not slug:
            raise ValueError("pillar is required")
        kind = row["pillar"].lower() if row["pillar"].lower() in Pillar.Kind.values else Pillar.Kind.AREA
        display = Pillar.Kind(kind).label if kind != Pillar.Kind.AREA else row["pillar"]
        in_year = [k for k in self._positions if k[0] == year.slug]
        position = self._positions.setdefault((year.slug, slug), len(in_year) + 1)
        headline = not row["question_number"]
        values = {"kind": kind, "name": display, "position": position}
        if headline:
            values |= {"headline_question": row["question_text"], "graded": graded}
        elif (existing := self.pillars.get((year.pk, slug))) is None or not existing.headline_question:
            values |= {"graded": self._any_graded[(year.slug, slug)]}
        pillar = self.pillars.upsert((year.pk, slug), values, on_create={"year": year, "slug": slug})
        if not headline:
            number = _number(row["question_number"])
            self.questions.upsert(
                (pillar.pk, number),
                {"text": row["question_text"], "graded": graded},
                on_create={"pillar": pillar, "number": number},
            )

    def load_judgments(self):
        columns = ["year_slug", "force_slug", "pillar", "question_number", "grade", "source_url"]
        self._each(
            "peel_judgments.csv",
            self._read("peel_judgments.csv", columns),
            self._judgment_row,
            key=lambda r: (r["year_slug"], r["force_slug"], slugify(r["pillar"]), r["question_number"]),
            what=lambda r: "this grade",
        )

    def _judgment_row(self, row):
        year = self._year(row["year_slug"])
        force = self._force(row["force_slug"])
        pillar = self._pillar(year, row["pillar"])
        words = row["grade"].lower()
        if words != NOT_GRADED and words not in GRADE_WORDS:
            raise ValueError(f"unknown grade {row['grade']!r}")
        grade = GRADE_WORDS.get(words, "")
        assessment = self.assessments.upsert(
            (force.pk, year.pk), {}, on_create={"force": force, "year": year, "status": Status.PUBLISHED}
        )
        # A question's row may come first: it makes an ungraded judgment that the pillar's row then grades.
        values = {}
        if not row["question_number"]:
            values = {"grade": grade, "not_graded": words == NOT_GRADED, "source_url": row["source_url"]}
        judgment = self.pillar_judgments.upsert(
            (assessment.pk, pillar.pk),
            values,
            on_create={"assessment": assessment, "pillar": pillar, "status": Status.PUBLISHED},
            validate=_clean,
        )
        if row["question_number"]:
            self._question_judgment(judgment, row, grade)

    def _question_judgment(self, judgment, row, grade):
        question = self._question(judgment.pillar, row["question_number"])
        self.question_judgments.upsert(
            (judgment.pk, question.pk),
            {"grade": grade, "source_url": row["source_url"]},
            on_create={"pillar_judgment": judgment, "question": question},
            validate=_clean,
        )

    def load_narrative(self, path):
        """Narrative content written for the demo: prose only, never a grade."""
        name = f"demo/{path.name}"
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise LoadError(name, getattr(error, "lineno", 0), str(error)) from None
        # TOML tables have no line numbers once parsed; an error names the table and its position instead.
        for index, item in enumerate(data.get("inspectors", []), 1):
            self._guard(name, f"inspectors[{index}]", self._inspector, item)
        for index, item in enumerate(data.get("assessments", []), 1):
            self._guard(name, f"assessments[{index}]", self._narrative_assessment, item)
        for index, item in enumerate(data.get("reports", []), 1):
            self._guard(name, f"reports[{index}]", self._report, item)
        for index, item in enumerate(data.get("key_facts", []), 1):
            self._guard(name, f"key_facts[{index}]", self._key_fact, item)
        for kind, store in (("context_points", self.context_points), ("plan_priorities", self.plan_priorities)):
            positions = Counter()
            for index, item in enumerate(data.get(kind, []), 1):
                self._guard(name, f"{kind}[{index}]", self._force_list_item, item, store, positions)

    def _inspector(self, item):
        self.inspectors.upsert(
            item["name"], {"title": item.get("title", "HM Inspector of Constabulary")}, on_create={"name": item["name"]}
        )

    def _force_list_item(self, item, store, positions):
        """A point of context or a plan priority, numbered in the order the file gives them for each force."""
        force = self._force(item["force"])
        positions[force.pk] += 1
        values = {"text": item["text"].strip()}
        if store is self.plan_priorities:
            values["group"] = item.get("group", "")
        store.upsert(
            (force.pk, positions[force.pk]), values, on_create={"force": force, "position": positions[force.pk]}
        )

    def _narrative_assessment(self, item):
        force, year = self._force(item["force"]), self._year(item["year"])
        values = {
            k: item[k].strip()
            for k in ("observations", "force_in_context", "working_arrangements", "looking_ahead")
            if k in item
        }
        if "inspector" in item:
            inspector = self.inspectors.get(item["inspector"])
            if inspector is None:
                raise ValueError(f"unknown inspector {item['inspector']!r}")
            values["inspector"] = inspector
        assessment = self.assessments.upsert(
            (force.pk, year.pk), values, on_create={"force": force, "year": year, "status": Status.PUBLISHED}
        )
        for entry in item.get("pillars", []):
            pillar = self._pillar(year, entry["pillar"])
            values = {k: entry[k].strip() for k in ("summary", "body") if k in entry}
            if "last_updated" in entry:
                values["last_updated"] = entry["last_updated"]
            judgment = self.pillar_judgments.upsert(
                (assessment.pk, pillar.pk),
                values,
                on_create={"assessment": assessment, "pillar": pillar, "status": Status.PUBLISHED},
                validate=_clean,
            )
            for answer in entry.get("questions", []):
                question = self._question(pillar, answer["number"])
                self.question_judgments.upsert(
                    (judgment.pk, question.pk),
                    {"summary": answer["summary"].strip()},
                    on_create={"pillar_judgment": judgment, "question": question},
                    validate=_clean,
                )

    def _report(self, item):
        force = self._force(item["force"]) if "force" in item else None
        year = self._year(item["year"]) if "year" in item else None
        kind = item.get("kind", Report.Kind.OTHER)
        if kind not in Report.Kind.values:
            raise ValueError(f"unknown report kind {kind!r}")
        self.reports.upsert(
            (force and force.pk, year and year.pk, item["title"]),
            {
                "kind": kind,
                "summary": item.get("summary", "").strip(),
                "url": item.get("url", ""),
                "published_on": item.get("published_on"),
            },
            on_create={"force": force, "year": year, "title": item["title"], "status": Status.PUBLISHED},
        )

    def _key_fact(self, item):
        force = self._force(item["force"])
        if item["measure"] not in KeyFact.Measure.values:
            raise ValueError(f"unknown key fact measure {item['measure']!r}")
        national = item.get("national_value")
        self.key_facts.upsert(
            (force.pk, item["period"], item["measure"]),
            {
                "value": _decimal(item["value"], "value"),
                "national_value": None if national is None else _decimal(national, "national_value"),
            },
            on_create={"force": force, "period": item["period"], "measure": item["measure"]},
        )


def short_name(name):
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def _number(text):
    try:
        number = int(text)
    except (TypeError, ValueError):
        raise ValueError(f"question number must be a whole number, not {text!r}") from None
    if number < 1:
        raise ValueError(f"question number must be 1 or more, not {number}")
    return number


def _decimal(value, column):
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"{column} must be a number, not {value!r}") from None


def _date_or_month(text):
    """A date written 2016-03-02, or a month written 2016-02 (stored as its first day)."""
    try:
        if len(text) == 7:
            return datetime.date.fromisoformat(f"{text}-01"), InspectionYear.Precision.MONTH
        return datetime.date.fromisoformat(text), InspectionYear.Precision.DAY
    except ValueError:
        raise ValueError(f"published must be a date (2016-03-02) or a month (2016-02), not {text!r}") from None
