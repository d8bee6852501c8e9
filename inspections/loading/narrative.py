"""The demo narrative's part of the Loader: the TOML files in data/demo/, loaded after the published facts.

A TOML table has no line number once the file is parsed, so a message names the table by its position
instead, as in ``demo/kent.toml:assessments[1].pillars[2]: missing required key 'pillar'``.
"""

from collections import Counter

from forces.models import KeyFact
from inspections.models import NarrativeOrigin, Report
from peel.publishing import Status

from .files import read_toml, tables
from .store import LoadError
from .values import web_address

NARRATIVE_FIELDS = ("observations", "force_in_context", "working_arrangements", "looking_ahead")

# The tables a demo file may hold, in the order they are loaded, with the keys each of their items may have.
DEMO_TABLES = {
    "inspectors": ("name", "title", "contact_url"),
    "assessments": ("force", "year", "inspector", *NARRATIVE_FIELDS, "pillars"),
    "reports": ("force", "year", "kind", "title", "summary", "url", "published_on"),
    "key_facts": ("force", "period", "measure", "value", "national_value"),
    "context_points": ("force", "text"),
    "plan_priorities": ("force", "group", "text"),
}
PILLAR_KEYS = ("pillar", "last_updated", "summary", "body", "questions")
QUESTION_KEYS = ("number", "summary")


class NarrativeLoading:
    """Narrative content written for the demo: prose only, never a grade."""

    def load_narrative(self, path):
        name = f"demo/{path.name}"
        data = read_toml(path, name)
        for key in data:
            if key not in DEMO_TABLES:
                *others, last = DEMO_TABLES
                raise LoadError(name, key, f"unknown table; a demo file holds {', '.join(others)} and {last}")
        found = {key: tables(name, key, key, data.get(key, []), keys) for key, keys in DEMO_TABLES.items()}
        for table in found["inspectors"]:
            self._guard(name, table.where, self._inspector, table)
        for table in found["assessments"]:
            self._guard(name, table.where, self._narrative_assessment, table)
        for table in found["reports"]:
            self._guard(name, table.where, self._report, table)
        for table in found["key_facts"]:
            self._guard(name, table.where, self._key_fact, table)
        for kind, store in (("context_points", self.context_points), ("plan_priorities", self.plan_priorities)):
            positions = Counter()
            for table in found[kind]:
                self._guard(name, table.where, self._force_list_item, table, store, positions)

    def _inspector(self, table):
        name = table.text("name")
        values = {"title": table.text("title", required=False, default="HM Inspector of Constabulary")}
        if "contact_url" in table:
            values["contact_url"] = web_address(table.text("contact_url"), "contact_url")
        self.inspectors.upsert(name, values, on_create={"name": name})

    def _force_list_item(self, table, store, positions):
        """A point of context or a plan priority, numbered in the order the file gives them for each force."""
        force = self._force(table.text("force"))
        positions[force.pk] += 1
        values = {"text": table.text("text")}
        if store is self.plan_priorities:
            values["group"] = table.text("group", required=False)
        store.upsert(
            (force.pk, positions[force.pk]), values, on_create={"force": force, "position": positions[force.pk]}
        )

    def _narrative_assessment(self, table):
        force, year = self._force(table.text("force")), self._year(table.text("year"))
        # Every demo assessment is a summary written for this site, never the inspectorate's own words.
        values = {k: table.text(k) for k in NARRATIVE_FIELDS if k in table}
        values["narrative_origin"] = NarrativeOrigin.SITE_SUMMARY
        if "inspector" in table:
            inspector = self.inspectors.get(table.text("inspector"))
            if inspector is None:
                raise ValueError(f"unknown inspector {table.text('inspector')!r}")
            values["inspector"] = inspector
        assessment = self.assessments.upsert(
            (force.pk, year.pk), values, on_create={"force": force, "year": year, "status": Status.PUBLISHED}
        )
        for entry in table.tables("pillars", PILLAR_KEYS):
            self._guard(entry.file, entry.where, self._narrative_pillar, entry, assessment, year)

    def _narrative_pillar(self, table, assessment, year):
        pillar = self._pillar(year, table.text("pillar"))
        values = {k: table.text(k) for k in ("summary", "body") if k in table}
        if "last_updated" in table:
            values["last_updated"] = table.date("last_updated")
        judgment = self.pillar_judgments.upsert(
            (assessment.pk, pillar.pk),
            values,
            on_create={"assessment": assessment, "pillar": pillar, "status": Status.PUBLISHED},
        )
        for answer in table.tables("questions", QUESTION_KEYS):
            self._guard(answer.file, answer.where, self._narrative_question, answer, judgment)

    def _narrative_question(self, table, judgment):
        question = self._question(judgment.pillar, table.integer("number"))
        self.question_judgments.upsert(
            (judgment.pk, question.pk),
            {"summary": table.text("summary")},
            on_create={"pillar_judgment": judgment, "question": question},
        )

    def _report(self, table):
        force = self._force(table.text("force")) if "force" in table else None
        year = self._year(table.text("year")) if "year" in table else None
        kind = table.text("kind", required=False, default=Report.Kind.OTHER)
        if kind not in Report.Kind.values:
            raise ValueError(f"unknown report kind {kind!r}")
        title = table.text("title")
        self.reports.upsert(
            (force and force.pk, year and year.pk, title),
            {
                "kind": kind,
                "summary": table.text("summary", required=False),
                "url": web_address(table.text("url", required=False), "url"),
                "published_on": table.date("published_on"),
            },
            on_create={"force": force, "year": year, "title": title, "status": Status.PUBLISHED},
        )

    def _key_fact(self, table):
        force = self._force(table.text("force"))
        period, measure = table.text("period"), table.text("measure")
        if measure not in KeyFact.Measure.values:
            raise ValueError(f"unknown key fact measure {measure!r}")
        self.key_facts.upsert(
            (force.pk, period, measure),
            {"value": table.number("value"), "national_value": table.number("national_value", required=False)},
            on_create={"force": force, "period": period, "measure": measure},
        )
