"""The ten-times data set, built in the benchmark's own database from the real data already loaded there.

Run as ``python -m bench.synthetic RESULT.json`` with BENCH_DATABASE_URL naming a copy of a database that
``load_peel_data`` and ``load_consultations`` have filled. Copies k = 1 to 9 of the real data are added beside
it (the real data is copy 0), each by bulk inserts:

* every force as ``<slug>-c<k>``, "<name> (copy k)", in the same region, with its key facts, points of context
  and plan priorities;
* every inspection year as ``<slug>-c<k>``, "PEEL <year> (copy k)", its first year 100 × k years earlier (so
  the real years stay the newest and each copy's years keep their order), with its pillars and questions;
* every assessment, pillar judgment, question judgment and report, linking copy k's forces, years, pillars and
  questions: copy k grades copy k's forces in copy k's years exactly as the real data grades the real ones.

Everything copied is published (``peel.publishing.Status.PUBLISHED``). Then ``BENCH_RESPONSES`` (100,000)
responses go to the open consultation, answering every question. RESULT.json gets the row counts before
(1×) and after (10×) and the seconds taken.
"""

import datetime
import json
import os
import sys
import time

from bench.django_side import setup

COPIES = 10
RESPONSES = int(os.environ.get("BENCH_RESPONSES", "100000"))


def clone(obj, changes):
    """An unsaved copy of ``obj`` with ``changes`` (attribute names: ``force_id``, not ``force``)."""
    model = type(obj)
    values = {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}
    values.pop(model._meta.pk.attname)
    values.update(changes)
    return model(**values)


def created(model, originals, changes):
    """Bulk-insert a copy of each original; a dict of each original's pk to its copy's."""
    copies = model.objects.bulk_create([clone(obj, changes(obj)) for obj in originals], batch_size=2000)
    return {obj.pk: copy.pk for obj, copy in zip(originals, copies, strict=True)}


def copy_peel(copies):
    from forces.models import ContextPoint, Force, KeyFact, PlanPriority
    from inspections.models import (
        Assessment,
        InspectionYear,
        Pillar,
        PillarJudgment,
        Question,
        QuestionJudgment,
        Report,
    )

    models = (Force, InspectionYear, Pillar, Question, Assessment, PillarJudgment, QuestionJudgment, Report)
    real = {model: list(model.objects.order_by("pk")) for model in (*models, KeyFact, ContextPoint, PlanPriority)}
    for k in range(1, copies):
        copy_once(k, real)


def copy_once(k, real):
    """Copy k of the real rows, in one transaction."""
    from django.db import transaction

    from forces.models import ContextPoint, Force, KeyFact, PlanPriority
    from inspections.models import (
        Assessment,
        InspectionYear,
        Pillar,
        PillarJudgment,
        Question,
        QuestionJudgment,
        Report,
    )
    from peel.publishing import Status

    published = {"status": Status.PUBLISHED, "release_id": None}
    with transaction.atomic():
        force = created(
            Force,
            real[Force],
            lambda o: {
                "slug": f"{o.slug}-c{k}",
                "name": f"{o.name} (copy {k})",
                "short_name": f"{o.short_name} (copy {k})",
                "other_names": "",
            },
        )
        year = created(
            InspectionYear,
            real[InspectionYear],
            lambda o: {
                "slug": f"{o.slug}-c{k}",
                "title": f"{o.title} (copy {k})",
                "label": f"{o.label} c{k}",
                "first_year": o.first_year - 100 * k,
                **published,
            },
        )
        pillar = created(Pillar, real[Pillar], lambda o: {"year_id": year[o.year_id]})
        question = created(Question, real[Question], lambda o: {"pillar_id": pillar[o.pillar_id]})
        assessment = created(
            Assessment,
            real[Assessment],
            lambda o: {"force_id": force[o.force_id], "year_id": year[o.year_id], **published},
        )
        judgment = created(
            PillarJudgment,
            real[PillarJudgment],
            lambda o: {"assessment_id": assessment[o.assessment_id], "pillar_id": pillar[o.pillar_id], **published},
        )
        created(
            QuestionJudgment,
            real[QuestionJudgment],
            lambda o: {"pillar_judgment_id": judgment[o.pillar_judgment_id], "question_id": question[o.question_id]},
        )
        for model in (KeyFact, ContextPoint, PlanPriority):
            created(model, real[model], lambda o: {"force_id": force[o.force_id]})
        created(
            Report,
            real[Report],
            lambda o: {"force_id": force.get(o.force_id), "year_id": year.get(o.year_id), **published},
        )


def counts():
    from consultations.models import Answer, Response
    from forces.models import Force
    from inspections.models import Assessment, InspectionYear, Pillar, PillarJudgment, Question, QuestionJudgment

    pillar_grades = PillarJudgment.objects.exclude(grade="").count()
    question_grades = QuestionJudgment.objects.exclude(grade="").count()
    return {
        "forces": Force.objects.count(),
        "inspection years": InspectionYear.objects.count(),
        "pillars": Pillar.objects.count(),
        "questions": Question.objects.count(),
        "assessments": Assessment.objects.count(),
        "pillar judgments": PillarJudgment.objects.count(),
        "question judgments": QuestionJudgment.objects.count(),
        "graded judgments": pillar_grades + question_grades,
        "consultation responses": Response.objects.count(),
        "answers": Answer.objects.count(),
    }


def main(out):
    setup()
    from django.utils import timezone

    from bench.responses import add_responses, consultation_for_responses

    before = counts()
    start = time.perf_counter()
    copy_peel(COPIES)
    peel_seconds = time.perf_counter() - start
    consultation = consultation_for_responses()
    if consultation is None:
        raise SystemExit("No published consultation with questions: run load_consultations first.")
    # Spread over the time it has been open, so that every response is in the past.
    span = min(timezone.now(), consultation.closes_at) - consultation.opens_at
    step = max(span, datetime.timedelta(seconds=1)) / max(RESPONSES, 1)
    add_responses(consultation, 0, RESPONSES, start=consultation.opens_at, step=step)
    result = {
        "1x": before,
        "10x": counts(),
        "copy_seconds": round(peel_seconds, 2),
        "seconds": round(time.perf_counter() - start, 2),
        "responses_to": consultation.slug,
    }
    with open(out, "w") as file:
        json.dump(result, file, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
