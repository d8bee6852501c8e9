"""The results as Markdown tables, and the targets they are checked against (each passed or missed)."""

from bench import machine
from bench.pages import CACHED_TARGET, GROWTH_TARGET, MAX_QUERIES, PAGES
from bench.throughput import GZIP

SUBMIT_P95_TARGET_MS = 300  # a submission's 95th percentile, at 50 concurrent clients on PostgreSQL


def _num(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}"


def _mark(passed):
    return "pass" if passed else "**MISS**"


def _row(*cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _head(*names, left=1):
    return [_row(*names), _row(*(["---"] * left + ["--:"] * (len(names) - left)))]


def _at_least(ratio, target):
    return ratio is not None and ratio >= target


def _cold(measured):
    return measured.get("queries_cold", measured["queries"])  # results from before facts were kept have one count


def _queries(measured):
    """A page's queries with nothing kept, then with the site's facts kept: "10 → 4"."""
    return f"{_cold(measured)} → {measured['queries']}"


def targets(results):
    """[(what, measured, passed)] for every target the results can be checked against."""
    checks = []
    times = results.get("server_time") or {}
    if "1x" in times and "10x" in times:
        for page in PAGES:
            one, ten = times["1x"][page.name], times["10x"][page.name]
            statuses_ok = one["status"] == ten["status"] == 200
            measured = f"{_queries(one)} / {_queries(ten)}"
            if not statuses_ok:
                measured += f" (status {one['status']} / {ten['status']})"
            same = _cold(one) == _cold(ten) <= MAX_QUERIES and one["queries"] == ten["queries"]
            checks.append((f"{page.name}: queries at 1× = at 10×, ≤ {MAX_QUERIES}", measured, statuses_ok and same))
        for page in PAGES:
            if page.same_size:
                growth = _growth(times["1x"][page.name], times["10x"][page.name])
                check = f"{page.name}: median time at 10× ≤ {GROWTH_TARGET} × at 1× (as much shown at both)"
                checks.append((check, _num(growth, 2), growth is not None and growth <= GROWTH_TARGET))
    pages = (results.get("throughput") or {}).get("pages")
    if pages:
        for page in PAGES:
            if (target := page.uncached_target) is not None:
                ratio = pages[page.name]["uncached"]["ratio"]
                checks.append((f"{page.name}: uncached ≥ {target}× stylesheet", f"{ratio}×", _at_least(ratio, target)))
        for mode, asked in (("cached", ""), (GZIP, ", gzip accepted")):
            for page in PAGES:
                if mode not in pages[page.name]:
                    continue  # a results file from before gzip was measured
                ratio = pages[page.name][mode]["ratio"]
                check = f"{page.name}: cached{asked} ≥ {CACHED_TARGET}× stylesheet{asked}"
                checks.append((check, f"{ratio}×", _at_least(ratio, CACHED_TARGET)))
    submissions = results.get("submissions") or {}
    if "errors" in submissions:
        clients, p95 = submissions["clients"], submissions["p95_ms"]
        checks.append(
            (
                f"consultation submissions: p95 ≤ {SUBMIT_P95_TARGET_MS} ms at {clients} concurrent clients",
                f"{_num(p95)} ms",
                p95 is not None and p95 <= SUBMIT_P95_TARGET_MS,
            )
        )
        errors, missing = _submission_errors(submissions)
        measured = f"{errors}" + (f" ({missing} sends unaccounted for)" if missing else "")
        checks.append(("consultation submissions: no errors", measured, errors == 0 and not missing))
    return checks


def _growth(one, ten):
    """A page's median server time at 10× over its median at 1×, or None when the 1× median is 0."""
    return ten["median_ms"] / one["median_ms"] if one["median_ms"] else None


def _submission_errors(section):
    """(errors, in the preparation and the sends; sends that succeeded but did not store one response each)."""
    errors = section["errors"] + section["preparation"]["errors"]
    return errors, abs(section["count"] - section["stored"])


def tables(results):
    out = [f"## PEEL benchmark, {results['started']}", "", machine.line(results["machine"]), ""]
    sections = results.get("sections")  # those run, when not all of them were
    if sections:
        out += [f"Only {', '.join(sections)}.", ""]
    parts = (
        ({"server-time", "throughput"}, _data, "data"),
        ({"server-time"}, _server_time, "server_time"),
        ({"throughput"}, _throughput, "throughput"),
        ({"submissions"}, _submissions, "submissions"),
        ({"export"}, _export, "export"),
    )
    for names, render, key in parts:
        if not sections or names & set(sections):
            out += render(results.get(key))
    checks = targets(results)
    met = sum(1 for *_, passed in checks if passed)
    out += [f"### Targets: {met} of {len(checks)} met", "", *_head("target", "measured", "result")]
    out += [_row(what, measured, _mark(passed)) for what, measured, passed in checks]
    out += [f"\nError: {error}" for error in results.get("errors", [])]
    return "\n".join(out) + "\n"


def _skipped(title, section):
    if section is None:
        return [f"### {title}", "", "Not measured: an earlier step failed.", ""]
    if "skipped" in section:
        return [f"### {title}", "", f"Skipped: {section['skipped']}", ""]
    if "error" in section:
        return [f"### {title}", "", f"Failed: {section['error']}", ""]
    return None


def _data(data):
    title = "Data sets (1×: the real data; 10×: ten copies of it, bench/synthetic.py)"
    if skipped := _skipped(title, data):
        return skipped
    if data.get("only_1x"):
        return [f"### {title}", "", f"The 1× database only, built in {data['build_seconds']} s.", ""]
    out = [f"### {title}", "", *_head("rows", "1×", "10×")]
    out += [_row(name, f"{data['1x'][name]:,}", f"{data['10x'][name]:,}") for name in data["1x"]]
    note = f"Both built in {data['build_seconds']} s, the ten-times copy and its responses in {data['seconds']} s."
    return [*out, "", note, ""]


def _server_time(times):
    title = (
        "Server time and SQL queries per page type (in-process test client, debug off, page cache off, site facts kept)"
    )
    if skipped := _skipped(title, times):
        return skipped
    columns = ("queries 1×", "queries 10×", "median ms 1×", "p95 ms 1×", "median ms 10×", "p95 ms 10×", "10×/1×")
    out = [f"### {title}", "", *_head("page", *columns)]
    for page in PAGES:
        one, ten = times["1x"][page.name], times["10x"][page.name]
        ratio = _growth(one, ten)
        name = (
            page.name
            if one["status"] == ten["status"] == 200
            else f"{page.name} (status {one['status']}/{ten['status']})"
        )
        out.append(
            _row(
                name,
                _queries(one),
                _queries(ten),
                _num(one["median_ms"]),
                _num(one["p95_ms"]),
                _num(ten["median_ms"]),
                _num(ten["p95_ms"]),
                _num(ratio, 2),
            )
        )
    out += [
        "",
        "Queries: with nothing kept → with the site's facts kept (peel/caching/kept.py), as every timed request was.",
        "10×/1× compares the medians; at 10× a page names copy 5 of the same force and year. The force, assessment, "
        "pillar and consultation pages and a force's CSV show as much at 10× as at 1×; the others list every force, "
        "year or grade, or name the forces a year's table has no grade for (bench/pages.py).",
        "",
    ]
    return out


def _throughput(section):
    title = "Requests per second under gunicorn (wrk on 127.0.0.1, real data)"
    if skipped := _skipped(title, section):
        return skipped
    pages = section["pages"]
    modes = ("uncached", "cached", GZIP) if GZIP in pages["stylesheet"] else ("uncached", "cached")
    out = [
        f"### {title}",
        "",
        f"{section['servers']}; `{section['wrk']} -d{section['seconds']}s` per address, {section['rounds']} "
        "interleaved rounds, median; × is the ratio to the stylesheet's median from the same gunicorn.",
        "",
        *_head("page", *[f"{mode} {what}" for mode in modes for what in ("req/s", "×", "target")]),
    ]
    css = pages["stylesheet"]
    out.append(
        _row(
            f"stylesheet `{css['path']}`", *[cell for mode in modes for cell in (_num(css[mode]["median_rps"]), 1, "")]
        )
    )
    for page in PAGES:
        measured = [pages[page.name][mode] for mode in modes]
        cells = []
        for mode, m in zip(modes, measured, strict=True):
            target = page.uncached_target if mode == "uncached" else CACHED_TARGET
            cells += [
                _num(m["median_rps"]),
                _num(m["ratio"], 3),
                "" if target is None else f"≥ {target} {_mark(_at_least(m['ratio'], target))}",
            ]
        name = page.name
        errors = sum(m["errors"] for m in measured)
        if errors or any(m["status"] != 200 for m in measured):
            name += f" (status {'/'.join(str(m['status']) for m in measured)}, {errors} errors)"
        out.append(_row(name, *cells))
    return [*out, ""]


def _submissions(section):
    title = "Consultation submissions on PostgreSQL"
    if skipped := _skipped(title, section):
        return skipped
    prep = section["preparation"]
    _, missing = _submission_errors(section)
    p95 = section["p95_ms"]
    target = f"≤ {SUBMIT_P95_TARGET_MS} {_mark(p95 is not None and p95 <= SUBMIT_P95_TARGET_MS)}"
    out = [
        f"### {title}: {section['clients']} concurrent clients, {section['server']}",
        "",
        f"One gunicorn, {section['server']}, bench.settings (the per-client limit lifted), cache "
        f"{section.get('cache', '?')}; consultation `{section['consultation']}` ({section['questions']} questions). "
        "A submission is the POST that stores a response (send, answered by a 302 to the confirmation). "
        f"Its payloads were prepared first, untimed; then {section['clients']} clients, each with its own "
        "connection and the cookies of the session that prepared its share, started together and each sent its "
        "share back to back "
        f"({section['in_flight']} in flight on average).",
        "",
        *_head(
            "submissions", "errors", "stored", "seconds", "submissions/s", "median ms", "p95 ms", "p99 ms", "p95 target"
        ),
        _row(
            f"{section['count'] + section['errors']:,}",
            section["errors"],
            f"{section['stored']:,}",
            _num(section["seconds"], 2),
            _num(section["per_second"]),
            _num(section["median_ms"]),
            _num(p95),
            _num(section["p99_ms"]),
            target,
        ),
        *_cores(section.get("cores")),
        "",
        f"Preparation, **not part of the target** (untimed, before the submissions; {prep['threads']} threads, "
        f"{prep['payloads']:,} payloads in {_num(prep['seconds'], 2)} s):",
        "",
        *_head("step", "requests", "errors", "median ms", "p95 ms"),
    ]
    for name, row in prep["rows"].items():
        errors_here = prep["errors_by_step"].get(name, 0)
        out.append(_row(name, f"{row['count']:,}", errors_here, _num(row["median_ms"]), _num(row["p95_ms"])))
    out.append("")
    if missing:
        out.append(f"Error: {section['count']:,} sends succeeded but {section['stored']:,} responses were stored.")
    samples = section.get("error_samples", []) + prep.get("error_samples", [])
    out += [f"Error: {message}" for message in samples]
    return [*out, ""] if samples or missing else out


def _cores(cores):
    """Where the cores went while the submissions were sent, as a line of text (none when not measured)."""
    if not cores:
        return []
    named = ", ".join(f"{name} {value:.2f}" for name, value in cores.items() if name not in ("cpus", "machine"))
    return ["", f"Cores busy while they were sent: {cores['machine']:.2f} of {cores['cpus']} ({named})."]


def _export(section):
    title = "Staff export of consultation responses (SQLite, bench/consultation_export.py)"
    if skipped := _skipped(title, section):
        return skipped
    out = [f"### {title}", "", *_head("format", "responses", "time s", "peak memory growth MiB", "file MiB")]
    for row in section["rows"]:
        megabytes = (f"{row[key] / 2**20:.1f}" for key in ("peak_bytes", "bytes"))
        out.append(_row(row["format"], f"{row['responses']:,}", f"{row['seconds']:.2f}", *megabytes))
    return [*out, ""]
