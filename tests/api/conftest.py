"""A small published world for the API tests, with a draft of every kind beside it."""

from types import SimpleNamespace

import pytest

from inspections.models import Pillar
from peel.publishing import Status
from tests.factories import (
    make_assessment,
    make_force,
    make_judgment,
    make_pillar,
    make_question,
    make_question_judgment,
    make_region,
    make_year,
)

from .helpers import SECRET


@pytest.fixture
def world(db):
    """PEEL 2016 for Kent (South East) and Essex (Eastern): two graded pillars, effectiveness with one question,
    and an ungraded leadership pillar. Kent is good on effectiveness (outstanding on its question) and requires
    improvement on legitimacy; Essex is inadequate on effectiveness and has no legitimacy grade."""
    south_east = make_region(name="South East", slug="south-east")
    eastern = make_region(name="Eastern", slug="eastern")
    kent = make_force(
        name="Kent Police", short_name="Kent", slug="kent", region=south_east, other_names="Garden of England\nMedway"
    )
    essex = make_force(name="Essex Police", short_name="Essex", slug="essex", region=eastern)
    year = make_year(slug="2016", title="PEEL 2016", label="2016", first_year=2016)
    effectiveness = make_pillar(year=year, name="Effectiveness", slug="effectiveness", position=1)
    legitimacy = make_pillar(year=year, kind=Pillar.Kind.LEGITIMACY, name="Legitimacy", slug="legitimacy", position=2)
    make_pillar(year=year, kind=Pillar.Kind.LEADERSHIP, name="Leadership", slug="leadership", position=3, graded=False)
    question = make_question(pillar=effectiveness, number=1, text="How well does the force prevent crime?")
    kent_2016 = make_assessment(force=kent, year=year, observations="Kent is **good**.")
    kent_effectiveness = make_judgment(
        assessment=kent_2016, pillar=effectiveness, grade="good", source_url="https://example.org/kent-2016"
    )
    make_question_judgment(pillar_judgment=kent_effectiveness, question=question, grade="outstanding")
    make_judgment(assessment=kent_2016, pillar=legitimacy, grade="requires-improvement")
    essex_2016 = make_assessment(force=essex, year=year)
    make_judgment(assessment=essex_2016, pillar=effectiveness, grade="inadequate")
    return SimpleNamespace(year=year, kent=kent, essex=essex, south_east=south_east, eastern=eastern)


@pytest.fixture
def drafts(world):
    """A draft year with a published assessment in it, a draft assessment, and a draft judgment (with a question
    grade under it) on a published assessment: none of them may be seen through the API."""
    draft_year = make_year(slug=f"{SECRET}-year", title=f"PEEL {SECRET}", first_year=2017, status=Status.DRAFT)
    draft_pillar = make_pillar(year=draft_year, name="Effectiveness", slug="effectiveness")
    under_draft_year = make_assessment(force=world.kent, year=draft_year, observations=f"{SECRET} under a draft year")
    make_judgment(assessment=under_draft_year, pillar=draft_pillar, grade="outstanding", summary=SECRET)

    durham = make_force(name="Durham Constabulary", short_name="Durham", slug="durham", region=world.eastern)
    draft_assessment = make_assessment(
        force=durham, year=world.year, status=Status.DRAFT, observations=f"{SECRET} draft assessment"
    )
    effectiveness = world.year.pillars.get(slug="effectiveness")
    make_judgment(
        assessment=draft_assessment, pillar=effectiveness, grade="outstanding", source_url=f"https://{SECRET}.org/"
    )

    efficiency = make_pillar(year=world.year, name="Efficiency", slug="efficiency", position=4)
    kent_2016 = world.kent.assessments.get(year=world.year)
    draft_judgment = make_judgment(
        assessment=kent_2016,
        pillar=efficiency,
        grade="inadequate",
        status=Status.DRAFT,
        summary=SECRET,
        source_url=f"https://{SECRET}.org/judgment",
    )
    make_question_judgment(
        pillar_judgment=draft_judgment,
        question=make_question(pillar=efficiency, number=1, text="How efficient is it?"),
        grade="inadequate",
        summary=SECRET,
    )
    return SimpleNamespace(year=draft_year, force=durham)
