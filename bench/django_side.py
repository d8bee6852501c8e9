"""Set up Django in a benchmark process, on the database the orchestrator names and no other.

A process that reads or writes data calls ``setup()`` first: it refuses to start without
``BENCH_DATABASE_URL``, so nothing here can touch the developer's db.sqlite3 by accident.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup():
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        raise SystemExit("BENCH_DATABASE_URL must name the benchmark's own database (bench/run.py sets it).")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DJANGO_LOCAL", "true")
    os.environ["DJANGO_DEBUG"] = "false"  # with debug on, Django keeps every query in memory
    os.environ["DJANGO_PLAIN_STATIC"] = "true"  # no collectstatic manifest needed in-process
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
