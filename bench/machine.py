"""What the figures were measured on: the line printed above the tables."""

import os
import platform
import sqlite3
import subprocess
from importlib.metadata import version

from bench import postgres, procs


def cpu_model():
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def wrk_version():
    try:
        out = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=5)  # noqa: S603, S607
    except OSError:
        return None
    return (out.stdout or out.stderr).split()[1] if (out.stdout or out.stderr).startswith("wrk ") else None


def describe():
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "django": version("django"),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres.server_version(),
        "gunicorn": version("gunicorn"),
        "wrk": wrk_version(),
        "gunicorn_conf": (procs.ROOT / "gunicorn.conf.py").exists(),
    }


def line(info):
    return (
        f"Machine: {info['cpus']} CPUs, {info['cpu_model']}; Python {info['python']}, Django {info['django']}, "
        f"SQLite {info['sqlite']}, PostgreSQL {info['postgresql'] or 'unreachable'}, gunicorn {info['gunicorn']}, "
        f"wrk {info['wrk'] or 'missing'}" + ("; gunicorn.conf.py present" if info["gunicorn_conf"] else "")
    )
