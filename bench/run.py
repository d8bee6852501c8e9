"""`make bench`: how fast the site is, at its real size and at ten times it. Run as ``python -m bench.run``.

1. wrk is installed with apt-get when missing.
2. Two SQLite databases of the benchmark's own, in BENCH_WORKDIR (/tmp/peel-bench, rebuilt each run; never
   the developer's db.sqlite3): 1× holds the real data (``load_peel_data``, ``load_consultations``), 10× a copy
   of it with nine more copies of every force, year and grade and 100,000 consultation responses
   (``bench.synthetic``).
3. and 4. SQL queries, median and 95th-percentile server time per page type at 1× and 10×, in-process with
   the page cache off (``bench.server_time``).
5. Requests per second per page type under gunicorn, uncached, cached, and cached for a client accepting
   gzip, beside the stylesheet asked for the same way (``bench.throughput``; real data).
6. Consultation submissions by 50 concurrent clients against gunicorn on PostgreSQL (``bench.postgres``,
   ``bench.respondents``), skipped with the reason when PostgreSQL cannot be reached. Its own ``peel_bench``
   database is migrated and loaded, the last run's responses deleted and the consultation reopened; then,
   untimed, BENCH_SUBMISSIONS payloads are prepared (the form fetched, the answers posted and signed back),
   and timed, BENCH_CLIENTS clients start together and send them: the POST that stores a response.
   The server: one gunicorn as gunicorn.conf.py starts it by default (two sync workers per CPU, plus one;
   GUNICORN_WORKERS and GUNICORN_THREADS change it), bench.settings, the benchmark's Redis (BENCH_REDIS_URL)
   as cache when it answers.
7. The staff export of 100,000 responses (``bench.consultation_export``).

Prints Markdown tables, with the machine and each target passed or missed, and writes bench/results.json.
A missed target is a result, not a failure: the exit status is 0 unless a step could not run at all.

One section or a few, alone: name them, as ``python -m bench.run submissions`` or ``BENCH_ONLY=submissions``
(comma-separated), from ``server-time``, ``throughput``, ``submissions`` and ``export``. Only the data those
sections use is built (the 1× database for throughput, 10× as well for server-time; none for submissions and
export, which build their own), and the results go to BENCH_WORKDIR/results-NAMES.json, leaving the whole
run's bench/results.json alone.

Settings: BENCH_SECONDS (5, each wrk run), BENCH_ROUNDS (3), BENCH_CLIENTS (50), BENCH_SUBMISSIONS (1,000),
GUNICORN_WORKERS and GUNICORN_THREADS for the submissions' server, BENCH_REPEAT (30 requests per page
in-process), BENCH_RESPONSES (100,000), BENCH_POSTGRES_URL, BENCH_REDIS_URL, BENCH_WORKDIR, BENCH_ONLY.
"""

import datetime
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from bench import cpu, machine, postgres, procs, report, respondents, throughput
from bench.pages import PAGES

WORKDIR = Path(os.environ.get("BENCH_WORKDIR", "/tmp/peel-bench"))  # noqa: S108
RESULTS = procs.ROOT / "bench" / "results.json"
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "1000"))
# The submissions' server: as gunicorn.conf.py serves the site by default (two sync workers per CPU, plus one),
# unless GUNICORN_WORKERS and GUNICORN_THREADS say otherwise.
SUBMIT_WORKERS = int(os.environ.get("GUNICORN_WORKERS", "").strip() or str((os.cpu_count() or 1) * 2 + 1))
SUBMIT_THREADS = int(os.environ.get("GUNICORN_THREADS", "").strip() or "1")
SECTIONS = ("server-time", "throughput", "submissions", "export")


def sqlite_url(scale):
    return f"sqlite:///{WORKDIR / f'peel-{scale}.sqlite3'}"


def fresh(path):
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        stale.unlink(missing_ok=True)


def build_data(ten_times=True):
    """The 1× database (the real data) and, unless ``ten_times`` is false, the 10× one (bench.synthetic);
    their row counts."""
    began = time.perf_counter()
    WORKDIR.mkdir(parents=True, exist_ok=True)
    one, ten = (WORKDIR / f"peel-{scale}.sqlite3" for scale in ("1x", "10x"))
    fresh(one)
    fresh(ten)
    procs.manage(sqlite_url("1x"), "migrate", "--noinput", "-v0")
    procs.manage(sqlite_url("1x"), "load_peel_data")
    procs.manage(sqlite_url("1x"), "load_consultations")
    if not ten_times:
        return {"only_1x": True, "build_seconds": round(time.perf_counter() - began, 1)}
    shutil.copyfile(one, ten)
    result = WORKDIR / "synthetic.json"
    procs.run(["-m", "bench.synthetic", str(result)], sqlite_url("10x"))
    data = json.loads(result.read_text())
    data["build_seconds"] = round(time.perf_counter() - began, 1)
    return data


def server_time():
    times = {}
    for scale in ("1x", "10x"):
        result = WORKDIR / f"server-time-{scale}.json"
        procs.run(["-m", "bench.server_time", scale, str(result)], sqlite_url(scale), PEEL_PAGE_CACHE="false")
        times[scale] = json.loads(result.read_text())
    return times


def pages_per_second(wrk_missing):
    if wrk_missing:
        return {"skipped": wrk_missing}
    if not (procs.ROOT / "staticfiles" / "staticfiles.json").exists():  # `make bench` runs collectstatic first
        procs.manage(sqlite_url("1x"), "collectstatic", "--noinput", "-v0")
    return throughput.measure(PAGES, sqlite_url("1x"), seconds=SECONDS, rounds=ROUNDS)


def submissions():
    if reason := postgres.unreachable():
        return {"skipped": reason}
    consultation = postgres.prepare()  # migrated and loaded; the last run's responses gone, the consultation open
    slug = consultation["slug"]
    cache = procs.shared_cache()  # as in production: the per-client count is kept in Redis
    server = {"workers": SUBMIT_WORKERS, "threads": SUBMIT_THREADS}
    page_cache = None if cache else "false"
    with procs.gunicorn(postgres.URL, **server, REDIS_URL=cache, PEEL_PAGE_CACHE=page_cache) as base:
        threads = respondents.PREPARE_THREADS
        print(f"  preparing {SUBMISSIONS:,} submissions, untimed ({threads} threads)", flush=True)
        shares, preparation = respondents.prepare(base, slug, submissions=SUBMISSIONS, clients=CLIENTS)
        print(f"  sending {preparation['payloads']:,} submissions from {CLIENTS} clients at once", flush=True)
        result = respondents.send(shares, meter=cpu_meter(base))
    return {
        **result,
        "preparation": preparation,
        "stored": postgres.responses(slug),
        "consultation": slug,
        "questions": consultation["questions"],
        "workers": SUBMIT_WORKERS,
        "threads": SUBMIT_THREADS,
        "server": procs.server_line(SUBMIT_WORKERS, SUBMIT_THREADS),
        "cache": f"Redis ({cache})" if cache else "each worker's memory",
    }


def cpu_meter(base):
    """A meter of the cores used by this process (the load client), the gunicorn serving ``base``, the
    benchmark's PostgreSQL and Redis, and the machine."""
    lines = cpu.command_lines()
    bind = f"--bind {base.removeprefix('http://')} "
    return cpu.Meter(
        {
            "load client": [os.getpid()],
            "gunicorn": [pid for pid, line in lines.items() if bind in line],
            "PostgreSQL": cpu.postgres_processes(lines, postgres.DATABASE),
            "Redis": [pid for pid, line in lines.items() if line.startswith("redis-server")],
        }
    )


def export():
    database = WORKDIR / "export.sqlite3"
    result = WORKDIR / "export.json"
    procs.run(["-m", "bench.consultation_export", str(result)], f"sqlite:///{database}", BENCH_EXPORT_DB=str(database))
    return json.loads(result.read_text())


def chosen(args):
    """The sections to run, in their order: those named (arguments, else BENCH_ONLY), or all of them."""
    names = [name for arg in args or [os.environ.get("BENCH_ONLY", "")] for name in arg.split(",") if name.strip()]
    names = [name.strip().replace("_", "-") for name in names]
    if unknown := [name for name in names if name not in SECTIONS]:
        raise SystemExit(f"No section {', '.join(unknown)}: choose from {', '.join(SECTIONS)}.")
    return [name for name in SECTIONS if name in names] or list(SECTIONS)


def main(args=()):
    began = time.monotonic()
    sections = chosen(args)
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results = {"started": now, "errors": [], "step_seconds": {}}
    whole = len(sections) == len(SECTIONS)
    if not whole:
        results["sections"] = sections

    def step(title, work, *args):
        print(f"\n== {title}", flush=True)
        began = time.monotonic()
        try:
            return work(*args)
        except Exception as error:  # noqa: BLE001 (reported with the tables; the other steps still run)
            traceback.print_exc()
            results["errors"].append(f"{title}: {error}")
            return {"error": str(error)}
        finally:
            results["step_seconds"][work.__name__] = round(time.monotonic() - began)

    wrk_missing = throughput.ensure_wrk() if "throughput" in sections else None
    results["machine"] = machine.describe()
    print(machine.line(results["machine"]), flush=True)
    if "server-time" in sections or "throughput" in sections:
        ten_times = "server-time" in sections
        title = "Data sets: the real data (1×)" + (" and ten times it" if ten_times else "")
        results["data"] = step(title, build_data, ten_times)
        if "error" not in results["data"]:
            if "server-time" in sections:
                results["server_time"] = step("Server time and queries, in-process, at 1× and 10×", server_time)
            if "throughput" in sections:
                results["throughput"] = step(
                    f"Throughput with wrk ({len(PAGES) + 1} addresses × 2 servers × {ROUNDS} rounds × {SECONDS} s)",
                    pages_per_second,
                    wrk_missing,
                )
    if "submissions" in sections:
        results["submissions"] = step(f"Consultation submissions on PostgreSQL, {CLIENTS} clients", submissions)
    if "export" in sections:
        results["export"] = step("Export of consultation responses", export)
    results["minutes"] = round((time.monotonic() - began) / 60, 1)
    results["targets"] = [
        {"target": what, "measured": measured, "passed": passed} for what, measured, passed in report.targets(results)
    ]
    path = RESULTS if whole else WORKDIR / f"results-{'-'.join(sections)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print("\n" + report.tables(results))
    steps = ", ".join(f"{name} {seconds} s" for name, seconds in results["step_seconds"].items())
    where = path.relative_to(procs.ROOT) if path.is_relative_to(procs.ROOT) else path
    print(f"Results written to {where}. The benchmark took {results['minutes']} minutes ({steps}).")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
