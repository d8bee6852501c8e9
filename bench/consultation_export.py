"""Time and memory for downloading a consultation's responses as CSV and as XLSX.

Builds a throwaway SQLite database (``BENCH_EXPORT_DB``, by default /tmp/peel-bench/export.sqlite3, replaced
each run) holding one consultation with three questions (short text, several choices, agree scale) and
``BENCH_RESPONSES`` responses (100,000 by default), then makes each download and reads its body to the end.
The table gives the wall time of one download and how far Python's memory rose above where it started
(``tracemalloc``, measured in a separate run, since tracing slows everything down). Both are measured at a
tenth of the responses too: memory that stays flat while the responses grow tenfold is the point.

Run as ``python -m bench.consultation_export [RESULT.json]``; ``make bench`` runs it from ``bench.run``.
"""

import datetime
import gc
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

from bench.django_side import setup

DATABASE = Path(os.environ.get("BENCH_EXPORT_DB", "/tmp/peel-bench/export.sqlite3"))  # noqa: S108
RESPONSES = int(os.environ.get("BENCH_RESPONSES", "100000"))


def build():
    from django.core.management import call_command

    from consultations.models import Choice, Consultation, Question, QuestionKind
    from peel.publishing import Status

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
    Choice.objects.bulk_create(
        Choice(question=questions[1], position=n, text=text) for n, text in enumerate(["Fraud", "Roads", "Drugs"], 1)
    )
    return consultation


def consume(download):
    return sum(len(part) for part in download.streaming_content)


def measure(consultation):
    from consultations import exports

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


def main(out=None):
    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    for path in (DATABASE, Path(f"{DATABASE}-wal"), Path(f"{DATABASE}-shm")):
        path.unlink(missing_ok=True)
    os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{DATABASE}"  # never the real database
    setup()
    from bench.responses import add_responses

    consultation = build()
    sizes = sorted({max(RESPONSES // 10, 1), RESPONSES})
    done, rows = 0, []
    for size in sizes:
        add_responses(consultation, done, size)
        done = size
        for name, (seconds, peak, length) in measure(consultation).items():
            rows.append(
                {"format": name, "responses": size, "seconds": round(seconds, 2), "peak_bytes": peak, "bytes": length}
            )
    print(f"Consultation export, 3 questions, SQLite ({DATABASE})\n")
    print("| Format | Responses | Time (s) | Peak memory growth (MiB) | File (MiB) |")
    print("|---|--:|--:|--:|--:|")
    for row in rows:
        print(
            f"| {row['format']} | {row['responses']:,} | {row['seconds']:.2f} | {row['peak_bytes'] / 2**20:.1f} "
            f"| {row['bytes'] / 2**20:.1f} |"
        )
    if out:
        with open(out, "w") as file:
            json.dump({"database": str(DATABASE), "rows": rows}, file, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:2])
