"""Small explicit builders for test data. Each takes overrides for any field it sets."""

import itertools

from forces.models import Force, KeyFact, Region
from inspections.models import (
    Assessment,
    InspectionYear,
    Pillar,
    PillarJudgment,
    Question,
    QuestionJudgment,
    Report,
    Scale,
)
from peel.publishing import Status

_n = itertools.count(1)


def make_region(**overrides):
    n = next(_n)
    return Region.objects.create(**{"name": f"Region {n}", "slug": f"region-{n}"} | overrides)


def make_force(**overrides):
    n = next(_n)
    if "region" not in overrides:
        overrides["region"] = make_region()
    values = {"name": f"Testshire {n} Police", "short_name": f"Testshire {n}", "slug": f"testshire-{n}"}
    return Force.objects.create(**values | overrides)


def make_year(**overrides):
    n = next(_n)
    values = {
        "slug": f"{1900 + n}",
        "title": f"PEEL {1900 + n}",
        "label": f"{1900 + n}",
        "first_year": 1900 + n,
        "scale": Scale.FOUR_POINT,
        "status": Status.PUBLISHED,
    }
    return InspectionYear.objects.create(**values | overrides)


def make_pillar(**overrides):
    if "year" not in overrides:
        overrides["year"] = make_year()
    n = next(_n)
    values = {"kind": Pillar.Kind.EFFECTIVENESS, "name": "Effectiveness", "slug": f"effectiveness-{n}", "position": n}
    return Pillar.objects.create(**values | overrides)


def make_question(**overrides):
    if "pillar" not in overrides:
        overrides["pillar"] = make_pillar()
    number = overrides.pop("number", None) or overrides["pillar"].questions.count() + 1
    return Question.objects.create(**{"number": number, "text": f"Question {number}?"} | overrides)


def make_assessment(**overrides):
    if "force" not in overrides:
        overrides["force"] = make_force()
    if "year" not in overrides:
        overrides["year"] = make_year()
    return Assessment.objects.create(**{"status": Status.PUBLISHED} | overrides)


def make_judgment(**overrides):
    if "assessment" not in overrides:
        overrides["assessment"] = make_assessment()
    if "pillar" not in overrides:
        overrides["pillar"] = make_pillar(year=overrides["assessment"].year)
    return PillarJudgment.objects.create(**{"grade": "good", "status": Status.PUBLISHED} | overrides)


def make_question_judgment(**overrides):
    if "pillar_judgment" not in overrides:
        overrides["pillar_judgment"] = make_judgment()
    if "question" not in overrides:
        overrides["question"] = make_question(pillar=overrides["pillar_judgment"].pillar)
    return QuestionJudgment.objects.create(**{"grade": "good"} | overrides)


def make_report(**overrides):
    n = next(_n)
    return Report.objects.create(**{"title": f"Report {n}", "status": Status.PUBLISHED} | overrides)


def make_key_fact(**overrides):
    values = {"period": "2019/20", "measure": KeyFact.Measure.FRONTLINE_SHARE, "value": 94, "national_value": 92}
    return KeyFact.objects.create(**values | overrides)


def make_grade_history(force, grades, *, slug="legitimacy", name="Legitimacy", years=None):
    """A force graded on one pillar across years: ``grades`` maps each year's first_year to its grade, and
    ``years`` maps a first_year to overrides for that year (its scale, say)."""
    for first_year, grade in grades.items():
        year = make_year(first_year=first_year, label=str(first_year), **(years or {}).get(first_year, {}))
        make_judgment(
            assessment=make_assessment(force=force, year=year),
            pillar=make_pillar(year=year, slug=slug, name=name),
            grade=grade,
        )


PILLARS = [("effectiveness", "Effectiveness"), ("efficiency", "Efficiency"), ("legitimacy", "Legitimacy")]


def make_world(*, forces, years, regions=3):
    """Forces assessed every year on three pillars with two questions each: the shape of the real data."""
    region_list = [make_region() for _ in range(regions)]
    force_list = Force.objects.bulk_create(
        Force(name=f"World {i} Police", short_name=f"World {i}", slug=f"world-{i}", region=region_list[i % regions])
        for i in range(forces)
    )
    year_list = [make_year(first_year=1800 + i, slug=f"w{1800 + i}", title=f"PEEL w{1800 + i}") for i in range(years)]
    grades = ["outstanding", "good", "requires-improvement", "inadequate"]
    for year in year_list:
        pillars = Pillar.objects.bulk_create(
            Pillar(year=year, kind=slug, name=name, slug=slug, position=i, headline_question=f"How is {slug}?")
            for i, (slug, name) in enumerate(PILLARS)
        )
        questions = Question.objects.bulk_create(
            Question(pillar=p, number=n, text=f"{p.name} question {n}?") for p in pillars for n in (1, 2)
        )
        assessments = Assessment.objects.bulk_create(
            Assessment(force=f, year=year, status=Status.PUBLISHED) for f in force_list
        )
        judgments = PillarJudgment.objects.bulk_create(
            PillarJudgment(assessment=a, pillar=p, grade=grades[(i + j) % 4], status=Status.PUBLISHED)
            for i, a in enumerate(assessments)
            for j, p in enumerate(pillars)
        )
        QuestionJudgment.objects.bulk_create(
            QuestionJudgment(pillar_judgment=j, question=q, grade="good")
            for j in judgments
            for q in questions
            if q.pillar_id == j.pillar_id
        )
    for force in force_list:
        make_key_fact(force=force)
        make_report(force=force, year=year_list[-1])
    return force_list, year_list
