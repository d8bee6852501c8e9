"""The Loader: the CSV files of published facts, in order, then the demo narrative (see narrative.py)."""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
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
from peel import revisions
from peel.publishing import Status

from .files import read_csv
from .narrative import NarrativeLoading
from .store import LoadError, Store, Tally
from .values import date_or_month, decimal, inspectorate_pages, number, short_name, web_address

DATA_DIR = Path(settings.BASE_DIR) / "data"

# forces.csv's area and population columns are the figures from the force pages' "Key facts – 2019/20".
FORCES_CSV_KEY_FACT_PERIOD = "2019/20"

SCALES = {
    "outstanding|good|requires improvement|inadequate": Scale.FOUR_POINT,
    "outstanding|good|adequate|requires improvement|inadequate": Scale.FIVE_POINT,
}
GRADE_WORDS = {label.lower(): value for value, label in Grade.choices}
NOT_GRADED = "not graded"
JUDGMENT_COLUMNS = ["year_slug", "force_slug", "pillar", "question_number", "grade", "source_url"]


class Loader(NarrativeLoading):
    def __init__(self, data_dir=DATA_DIR, *, demo=True):
        self.data_dir = Path(data_dir)
        self.demo = demo
        self.tally = Tally()

    def run(self):
        if not self.data_dir.is_dir():
            raise LoadError(self.data_dir, 0, "this is not a folder" if self.data_dir.exists() else "folder not found")
        with transaction.atomic(), revisions.recorded(revisions.LOADED_FROM_FILES):
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
        self.regions = Store(Region, ["slug"], t)
        self.forces = Store(Force, ["slug"], t)
        self.key_facts = Store(KeyFact, ["force", "period", "measure"], t)
        self.years = Store(InspectionYear, ["slug"], t)
        self.pillars = Store(Pillar, ["year", "slug"], t)
        self.questions = Store(Question, ["pillar", "number"], t)
        self.inspectors = Store(Inspector, ["name"], t)
        self.assessments = Store(Assessment, ["force", "year"], t)
        self.pillar_judgments = Store(PillarJudgment, ["assessment", "pillar"], t)
        self.question_judgments = Store(QuestionJudgment, ["pillar_judgment", "question"], t)
        self.reports = Store(Report, ["force", "year", "title"], t)
        self.context_points = Store(ContextPoint, ["force", "position"], t)
        self.plan_priorities = Store(PlanPriority, ["force", "position"], t)

    # A problem in a row becomes a LoadError naming the file and the row.
    def _read(self, name, columns):
        return read_csv(self.data_dir / name, name, columns)

    def _each(self, name, rows, load, *keys):
        """Load each (line, row) with ``load(row)``. Each key is (name of the row, words for it): no name may repeat."""
        seen = [{} for _ in keys]
        for line, row in rows:
            self._guard(name, line, self._load_once, row, line, zip(seen, keys, strict=True), load)

    @staticmethod
    def _load_once(row, line, keys, load):
        for seen, (key, what) in keys:
            first = seen.setdefault(key(row), line)
            if first != line:
                raise ValueError(f"{what(row)} repeats line {first}")
        load(row)

    def _guard(self, name, where, work, *args):
        try:
            return work(*args)
        except ValueError as error:
            raise LoadError(name, where, str(error)) from None
        except DatabaseError as error:  # what the checks before saving did not foresee
            raise LoadError(name, where, f"the database refused this row ({error})") from None

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

    def _question(self, pillar, text):
        question = self.questions.get((pillar.pk, number(text)))
        if question is None:
            raise ValueError(f"{pillar} has no question {text}")
        return question

    def load_forces(self):
        columns = ["name", "slug", "region", "country", "area_sq_miles", "population"]
        self._each(
            "forces.csv",
            self._read("forces.csv", columns),
            self._force_row,
            (lambda r: r["slug"], lambda r: f"force {r['slug']!r}"),
            (lambda r: r["name"], lambda r: f"force name {r['name']!r}"),
        )

    def _force_row(self, row):
        if not row["slug"] or not row["name"] or not row["region"]:
            raise ValueError("name, slug and region are required")
        country = row["country"].lower()
        if country not in Country.values:
            raise ValueError(f"country must be England or Wales, not {row['country']!r}")
        region = self.regions.upsert(
            slugify(row["region"]), {"name": row["region"]}, on_create={"slug": slugify(row["region"])}
        )
        values = {"name": row["name"], "region": region, "country": country}
        if "other_names" in row:  # an optional column: without it, the names an editor gave are kept
            values["other_names"] = "\n".join(filter(None, (name.strip() for name in row["other_names"].split("|"))))
        force = self.forces.upsert(
            row["slug"], values, on_create={"slug": row["slug"], "short_name": short_name(row["name"])}
        )
        for measure, column in ((KeyFact.Measure.AREA, "area_sq_miles"), (KeyFact.Measure.POPULATION, "population")):
            if row[column]:
                self.key_facts.upsert(
                    (force.pk, FORCES_CSV_KEY_FACT_PERIOD, measure),
                    {"value": decimal(row[column], column)},
                    on_create={"force": force, "period": FORCES_CSV_KEY_FACT_PERIOD, "measure": measure},
                )

    def load_years(self):
        rows = self._read("peel_years.csv", ["year_slug", "title", "grading_scale", "published", "notes"])
        key = lambda r: r["year_slug"]  # noqa: E731
        self._each("peel_years.csv", rows, self._year_row, (key, lambda r: f"year {key(r)!r}"))

    def _year_row(self, row):
        slug = row["year_slug"]
        if not slug[:4].isdigit():
            raise ValueError(f"year_slug must start with the year, not {slug!r}")
        scale = SCALES.get(row["grading_scale"].lower())
        if scale is None:
            raise ValueError(f"unknown grading scale {row['grading_scale']!r}")
        published_on, precision = date_or_month(row["published"])
        # The file's notes say where the facts came from: they are for staff. The public notes are an editor's.
        self.years.upsert(
            slug,
            {
                "title": row["title"],
                "label": row["title"].removeprefix("PEEL ").strip(),
                "first_year": int(slug[:4]),
                "scale": scale,
                "published_on": published_on,
                "published_precision": precision,
                "source_notes": row["notes"],
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
            (lambda r: (r["year_slug"], slugify(r["pillar"]), _same_number(r)), lambda r: "this pillar and question"),
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
            n = number(row["question_number"])
            self.questions.upsert(
                (pillar.pk, n),
                {"text": row["question_text"], "graded": graded},
                on_create={"pillar": pillar, "number": n},
            )

    def load_judgments(self):
        rows = self._read("peel_judgments.csv", JUDGMENT_COLUMNS)
        self._report_urls = inspectorate_pages(rows)
        self._each(
            "peel_judgments.csv",
            rows,
            self._judgment_row,
            (judgment_key, lambda r: "this grade"),
        )

    def judgment(self, row):
        """A row of peel_judgments.csv read against the years, forces, pillars and questions loaded: a
        ValueError says what is wrong with it. Nothing is saved."""
        year = self._year(row["year_slug"])
        force = self._force(row["force_slug"])
        pillar = self._pillar(year, row["pillar"])
        words = row["grade"].lower()
        if words != NOT_GRADED and words not in GRADE_WORDS:
            raise ValueError(f"unknown grade {row['grade']!r}")
        if words == NOT_GRADED and row["question_number"]:
            raise ValueError("grade: only a pillar's row can say 'not graded'")
        return JudgmentRow(
            year=year,
            force=force,
            pillar=pillar,
            question=self._question(pillar, row["question_number"]) if row["question_number"] else None,
            grade=GRADE_WORDS.get(words, ""),
            not_graded=words == NOT_GRADED,
            source_url=web_address(row["source_url"], "source_url"),
        )

    def _judgment_row(self, row):
        found = self.judgment(row)
        year, force, pillar, question = found.year, found.force, found.pillar, found.question
        # The inspectorate's page for the assessment fills a blank report_url, never an editor's own choice.
        values, page = {}, self._report_urls.get((year.slug, force.slug))
        if page and not getattr(self.assessments.get((force.pk, year.pk)), "report_url", ""):
            values["report_url"] = page
        assessment = self.assessments.upsert(
            (force.pk, year.pk), values, on_create={"force": force, "year": year, "status": Status.PUBLISHED}
        )
        # A question's row may come first: it makes an ungraded judgment that the pillar's row then grades.
        judgment = self.pillar_judgments.upsert(
            (assessment.pk, pillar.pk),
            {} if question else found.pillar_values,
            on_create={"assessment": assessment, "pillar": pillar, "status": Status.PUBLISHED},
        )
        if question:
            self.question_judgments.upsert(
                (judgment.pk, question.pk),
                found.question_values,
                on_create={"pillar_judgment": judgment, "question": question},
            )


@dataclass(frozen=True)
class JudgmentRow:
    """A row of peel_judgments.csv as Loader.judgment() found it: a grade for a pillar, or for one of its
    questions when ``question`` is set."""

    year: InspectionYear
    force: Force
    pillar: Pillar
    question: Question | None
    grade: str
    not_graded: bool
    source_url: str

    @property
    def pillar_values(self):
        """What a pillar's row says about its pillar judgment."""
        return {"grade": self.grade, "not_graded": self.not_graded, "source_url": self.source_url}

    @property
    def question_values(self):
        """What a question's row says about its question judgment."""
        return {"grade": self.grade, "source_url": self.source_url}


def judgment_key(row):
    """What no two rows of peel_judgments.csv may share: the year, force, pillar and question they grade."""
    return (row["year_slug"], row["force_slug"], slugify(row["pillar"]), _same_number(row))


def _same_number(row):
    """A row's question number as written, less leading zeros, so that 01 and 1 count as the same question."""
    return row["question_number"].lstrip("0") or row["question_number"]
