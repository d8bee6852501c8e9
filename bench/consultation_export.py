"""Time and memory for downloading a consultation's responses as CSV and as XLSX.

Builds a throwaway SQLite database (``BENCH_EXPORT_DB``, by default /tmp/peel-bench-export.sqlite3, replaced
each run) holding one consultation with three questions (short text, several choices, agree scale) and
``BENCH_RESPONSES`` responses (100,000 by default), then makes each download and reads its body to the end.
The table gives the wall time of one download and how far Python's memory rose above where it started
(``tracemalloc``, measured in a separate run, since tracing slows everything down). Both are measured at a
tenth of the responses too: memory that stays flat while the responses grow tenfold is the point.
"""

import datetime
import gc
import os
import sys
import time
import tracemalloc
from pathlib import Path

DATABASE = Path(os.environ.get("BENCH_EXPORT_DB", "/tmp/peel-bench-export.sqlite3"))  # noqa: S108
RESPONSES = int(os.environ.get("BENCH_RESPONSES", "100000"))
BATCH = 5000

os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"  # never the real database, whatever the environment says
os.environ["DJANGO_SETTINGS_MODULE"] = "peel.settings"
os.environ.setdefault("DJANGO_LOCAL", "true")
os.environ["DJANGO_DEBUG"] = "false"  # with debug on, Django keeps every query in memory
os.environ["DJANGO_PLAIN_STATIC"] = "true"

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from consultations import exports  # noqa: E402
from consultations.models import Answer, AnswerChoice, Choice, Consultation, Question, QuestionKind, Response  # noqa: E402
from peel.publishing import Status  # noqa: E402

TEXTS = ["Ynys Môn", "More time for\nvictims, please.", "=1+1", 'naïve – “quoted”, with "quotes"', ""]
SCALE = ["strongly-agree", "agree", "neither", "disagree", "strongly-disagree"]


def build():
    for path in (DATABASE, Path(f"{DATABASE}-wal"), Path(f"{DATABASE}-shm")):
        path.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    start = datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC)
    consultation = Consultation.objects.create(
        slug="benchmark", title="Benchmark", summary="Many responses.", body="A proposal.", status=Status.PUBLISHED,
        opens_at=start, closes_at=start + datetime.timedelta(days=90),
    )  # fmt: skip
    kinds = [QuestionKind.SHORT_TEXT, QuestionKind.SEVERAL_CHOICES, QuestionKind.AGREE_SCALE]
    questions = [
        Question.objects.create(consultation=consultation, position=n, kind=kind, text=f"Question {n}?")
        for n, kind in enumerate(kinds, 1)
    ]
    choices = Choice.objects.bulk_create(
        Choice(question=questions[1], position=n, text=text) for n, text in enumerate(["Fraud", "Roads", "Drugs"], 1)
    )
    return consultation, questions, choices


def add_responses(consultation, questions, choices, first, last):
    short, several, scale = questions
    for low in range(first, last, BATCH):
        numbers = range(low, min(low + BATCH, last))
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                Response(
                    consultation=consultation,
                    reference=f"{n // 10000:04d}-{n % 10000:04d}",
                    submission_key=f"key-{n}",
                    created_at=consultation.opens_at + datetime.timedelta(seconds=n * 7),
                    respondent_type="individual" if n % 3 else "organisation",
                    name=f"Respondent {n}",
                    organisation="" if n % 3 else "Heddlu Dyfed-Powys",
                    email=f"r{n}@example.org",
                    consent=["full", "anonymous", "none"][n % 3],
                )
                for n in numbers
            )
            answers = Answer.objects.bulk_create(
                answer
                for n, response in zip(numbers, responses, strict=True)
                for answer in (
                    Answer(response=response, question=short, text=f"{TEXTS[n % len(TEXTS)]} {n}"),
                    Answer(response=response, question=several),
                    Answer(response=response, question=scale, scale=SCALE[n % len(SCALE)]),
                )
            )
            AnswerChoice.objects.bulk_create(
                AnswerChoice(answer=answer, choice=choice)
                for n, answer in zip(numbers, answers[1::3], strict=True)
                for choice in choices[: n % 4]
            )


def consume(download):
    return sum(len(part) for part in download.streaming_content)


def measure(consultation):
    results = {}
    for name, export in (("CSV", exports.csv_download), ("XLSX", exports.xlsx_download)):
        gc.collect()
        start = time.perf_counter()
        size = consume(export(consultation))
        seconds = time.perf_counter() - start
        gc.collect()
        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        consume(export(consultation))
        peak = tracemalloc.get_traced_memory()[1] - baseline
        tracemalloc.stop()
        results[name] = (seconds, peak, size)
    return results


def main():
    consultation, questions, choices = build()
    sizes = sorted({max(RESPONSES // 10, 1), RESPONSES})
    done, rows = 0, []
    for size in sizes:
        add_responses(consultation, questions, choices, done, size)
        done = size
        for name, (seconds, peak, length) in measure(consultation).items():
            rows.append((name, size, seconds, peak, length))
    print(f"Consultation export, 3 questions, SQLite ({DATABASE})\n")
    print("| Format | Responses | Time (s) | Peak memory growth (MiB) | File (MiB) |")
    print("|---|--:|--:|--:|--:|")
    for name, size, seconds, peak, length in rows:
        print(f"| {name} | {size:,} | {seconds:.2f} | {peak / 2**20:.1f} | {length / 2**20:.1f} |")


if __name__ == "__main__":
    main()
