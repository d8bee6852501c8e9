"""Server time and SQL queries for each public page type, in-process (no network, no load generator).

Run as ``python -m bench.server_time SCALE RESULT.json`` (SCALE is 1x or 10x) with BENCH_DATABASE_URL naming
that scale's database. Each page (``bench.pages``) is requested through Django's test client with debug off
and the page cache off (PEEL_PAGE_CACHE=false), with the site's facts kept as a server keeps them
(PEEL_KEEP_SITE_FACTS=true, peel/caching/kept.py), three times to warm up and then ``BENCH_REPEAT`` times (30),
or fewer (never under 5) once ``BENCH_PAGE_BUDGET`` seconds (10) have gone on one page. The queries are
counted with ``CaptureQueriesContext`` on one more request, and on one with nothing kept (``queries_cold``).
RESULT.json gets, per page, the address, status, both counts, the median and 95th percentile in milliseconds
and the response's size.
"""

import json
import os
import statistics
import sys
import time

from bench.django_side import setup

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
BUDGET = float(os.environ.get("BENCH_PAGE_BUDGET", "10"))
FEWEST = 5


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def measure(client, path):
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        body(client.get(path))
    times, began = [], time.perf_counter()
    while len(times) < REPEAT and (len(times) < FEWEST or time.perf_counter() - began < BUDGET):
        start = time.perf_counter()
        response = client.get(path)
        size = len(body(response))
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        body(client.get(path))
    with override_settings(PEEL_KEEP_SITE_FACTS=False), CaptureQueriesContext(connection) as cold:
        body(client.get(path))
    times.sort()
    return {
        "path": path,
        "status": response.status_code,
        "queries": len(queries),
        "queries_cold": len(cold),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[round(0.95 * (len(times) - 1))], 2),
        "requests": len(times),
        "bytes": size,
    }


def main(scale, out):
    os.environ["PEEL_PAGE_CACHE"] = "false"  # uncached: every request renders its page
    os.environ["PEEL_KEEP_SITE_FACTS"] = "true"  # one process: what it keeps is never stale
    setup()
    from django.test import Client

    from bench.pages import PAGES

    client = Client(SERVER_NAME="localhost")
    results = {}
    for page in PAGES:
        results[page.name] = measure(client, page.path(scale))
        print(f"  {scale} {page.name}: {results[page.name]['median_ms']} ms", file=sys.stderr, flush=True)
    with open(out, "w") as file:
        json.dump(results, file, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
