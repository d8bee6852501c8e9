"""Ready the submissions benchmark's database: its consultation open, and none of the last run's responses.

Run as ``python -m bench.open_consultation RESULT.json`` with BENCH_DATABASE_URL naming the benchmark's
PostgreSQL database, after load_consultations. The consultation answered is the open demonstration (see
``bench.responses.consultation_for_responses``); should it have closed (a year after it was first loaded),
it is opened again. RESULT.json gets its slug and its number of questions.
"""

import datetime
import json
import sys

from bench.django_side import setup


def main(out):
    setup()
    from django.utils import timezone

    from bench.responses import consultation_for_responses
    from consultations.models import Consultation, Response

    consultation = consultation_for_responses()
    if consultation is None:
        raise SystemExit("No published consultation with questions: load_consultations loads one.")
    now = timezone.now()
    if not consultation.opens_at <= now < consultation.closes_at:
        Consultation.objects.filter(pk=consultation.pk).update(
            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=365)
        )
    Response.objects.filter(consultation=consultation).delete()
    with open(out, "w") as file:
        json.dump({"slug": consultation.slug, "questions": consultation.questions.count()}, file)


if __name__ == "__main__":
    main(sys.argv[1])
