"""Requests per second for each page type under gunicorn, measured with wrk beside the site's stylesheet.

Two gunicorns run side by side on the real data, each with two sync workers: one with the page cache off
(PEEL_PAGE_CACHE=false), one as configured by default. Rounds are interleaved: in each round every address
(the stylesheet first, served by whitenoise from the same gunicorn, then each page) is loaded for
``seconds`` by ``wrk -t1 -c8``, uncached, then cached, then cached by a client that accepts gzip as every
browser and CDN does (``Accept-Encoding: gzip``: whitenoise then sends the stylesheet's .gz, and the page
cache its gzipped copy). A page's figure is its median over the rounds, and its ratio is that over the same
server's median for the stylesheet asked for the same way: the load generator shares the machine's cores
with the server, so only ratios travel from one machine to another.
"""

import os
import re
import shutil
import statistics
import subprocess

from bench import procs

WRK = ["wrk", "-t1", "-c8", "--timeout", "10s", "--latency"]
GZIP = "cached, gzip"  # the cached server, asked by a client that accepts gzip


def ensure_wrk():
    """None when wrk is installed (installing it with apt-get if need be), else why it cannot be."""
    if shutil.which("wrk"):
        return None
    if shutil.which("apt-get") is None:
        return "wrk is not installed and there is no apt-get here to install it with: install wrk and rerun"
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"] if shutil.which("sudo") else None
    if sudo is None:
        return "wrk is not installed and installing it needs root: run sudo apt-get install -y wrk"
    print("wrk is missing: apt-get install -y wrk", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [*sudo, "apt-get", "install", "-y", "-qq", "wrk"]
    done = subprocess.run(install, capture_output=True, text=True, env=env)  # noqa: S603
    if done.returncode != 0:  # perhaps the package lists are stale or missing
        subprocess.run([*sudo, "apt-get", "update", "-qq"], capture_output=True, env=env)  # noqa: S603
        done = subprocess.run(install, capture_output=True, text=True, env=env)  # noqa: S603
    if done.returncode == 0 and shutil.which("wrk"):
        return None
    return f"apt-get could not install wrk: {(done.stderr or done.stdout).strip()[-300:] or 'no message'}"


def wrk(url, seconds, headers=()):
    asked = [option for header in headers for option in ("-H", header)]
    out = subprocess.run([*WRK, *asked, f"-d{seconds}s", url], capture_output=True, text=True).stdout  # noqa: S603
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors:\s+connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    latency = {p: _ms(m.group(1)) for p in ("50%", "99%") if (m := re.search(rf"^\s+{p}\s+(\S+)", out, re.M))}
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
        "p50_ms": latency.get("50%"),
        "p99_ms": latency.get("99%"),
    }


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)


def stylesheet(base):
    status, html = procs.get(f"{base}/")
    found = re.search(rb"/static/build/peel\.[0-9a-f]+\.css", html)
    if status != 200 or not found:
        raise RuntimeError(
            "the home page names no hashed stylesheet (/static/build/peel.<hash>.css): run collectstatic"
        )
    return found.group().decode()


def measure(pages, database_url, *, seconds, rounds):
    cache = procs.shared_cache()
    servers = {
        # Uncached: every request renders its page, from the site's facts kept as any server keeps them.
        "uncached": {"PEEL_PAGE_CACHE": "false", "PEEL_KEEP_SITE_FACTS": "true", "REDIS_URL": cache},
        "cached": {"PEEL_PAGE_CACHE": "true", "PEEL_KEEP_SITE_FACTS": "true", "REDIS_URL": cache},
    }
    modes = {mode: (mode, ()) for mode in servers} | {GZIP: ("cached", ("Accept-Encoding: gzip",))}
    targets = [("stylesheet", None), *((page.name, page.path("1x")) for page in pages)]
    runs = {name: {mode: [] for mode in modes} for name, _ in targets}
    with (
        procs.gunicorn(database_url, **servers["uncached"]) as uncached,
        procs.gunicorn(database_url, **servers["cached"]) as cached,
    ):
        bases = {"uncached": uncached, "cached": cached}
        css = stylesheet(uncached)
        paths = {name: path or css for name, path in targets}
        statuses = {
            name: {mode: procs.get(bases[server] + paths[name])[0] for mode, (server, _) in modes.items()}
            for name in paths
        }
        for number in range(1, rounds + 1):
            print(
                f"  throughput round {number} of {rounds} ({len(targets) * len(modes)} runs of {seconds} s)", flush=True
            )
            for name in paths:
                for mode, (server, headers) in modes.items():
                    runs[name][mode].append(wrk(bases[server] + paths[name], seconds, headers))
    results = {}
    for name in paths:
        results[name] = {"path": paths[name]}
        for mode in modes:
            rates = [run["rps"] for run in runs[name][mode]]
            css_median = statistics.median(run["rps"] for run in runs["stylesheet"][mode])
            results[name][mode] = {
                "status": statuses[name][mode],
                "rounds_rps": rates,
                "median_rps": round(statistics.median(rates), 1),
                "ratio": round(statistics.median(rates) / css_median, 3) if css_median else None,
                "errors": sum(run["non_2xx"] + run["socket_errors"] for run in runs[name][mode]),
                "p99_ms": statistics.median(r["p99_ms"] for r in runs[name][mode] if r["p99_ms"] is not None),
            }
    return {
        "seconds": seconds,
        "rounds": rounds,
        "wrk": " ".join(WRK),
        "servers": (
            f"Two gunicorns side by side, {procs.WORKERS} sync workers each, on the real data (1×) in SQLite, one with "
            "PEEL_PAGE_CACHE=false and one with PEEL_PAGE_CACHE=true (asked twice: as it is, and with "
            "Accept-Encoding: gzip); the cache is "
            + (f"Redis ({cache}, emptied first)" if cache else "each worker's memory (Redis did not answer)")
        ),
        "pages": results,
    }
