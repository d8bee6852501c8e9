"""Server time and queries for each public page type, in-process (no network, no load generator).

Each page is requested through Django's test client against the loaded database with debug off, a few times
to warm up and then ``BENCH_REPEAT`` times; the table gives the median and 95th percentile in milliseconds and
the number of SQL queries. Compare pages with each other: absolute times depend on the machine.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peel.settings")
os.environ.setdefault("DJANGO_LOCAL", "true")
os.environ["DJANGO_PLAIN_STATIC"] = "true"  # no collectstatic manifest needed for timing

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIX_FORCES = ["kent", "essex", "surrey", "sussex", "merseyside", "cumbria"]
PAGES = [
    ("assessment", "/forces/kent/2016/"),
    ("year table, pillars", "/peel/2017/"),
    ("year table, questions", "/peel/2017/?level=question&group=region&sort=efficiency-q1"),
    ("year table, five-point", "/peel/2023-25/"),
    ("compare, six forces", "/compare/?" + "&".join(f"force={f}" for f in SIX_FORCES)),
    ("home", "/"),
    ("force list", "/forces/"),
    ("force", "/forces/kent/"),
    ("pillar", "/forces/kent/2015/efficiency/"),
    ("year table CSV, questions", "/peel/2017/?level=question&format=csv"),
    ("every grade, CSV", "/data/peel-grades.csv"),
]
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def measure(client, path):
    for _ in range(3):
        client.get(path)
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    times.sort()
    return response.status_code, statistics.median(times), times[int(0.95 * (len(times) - 1))], len(queries)


def main():
    client = Client(SERVER_NAME="localhost")
    print("| page | status | median ms | p95 ms | queries |\n|---|---|---|---|---|")
    for name, path in PAGES:
        status, median, p95, queries = measure(client, path)
        print(f"| {name} | {status} | {median:.1f} | {p95:.1f} | {queries} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
