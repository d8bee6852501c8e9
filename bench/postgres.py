"""The benchmark's PostgreSQL database (``peel_bench``), for consultation submissions under load.

``BENCH_POSTGRES_URL`` names it (postgres://peel:peel-ci-only@127.0.0.1:5432/peel_bench by default). It is
created when missing (the role needs CREATEDB), migrated and loaded each run (both are safe to repeat), and
the previous run's responses are removed. Nothing here touches any other database.
"""

import json
import os
import tempfile
from urllib.parse import urlsplit

from bench import procs

URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://peel:peel-ci-only@127.0.0.1:5432/peel_bench")
DATABASE = urlsplit(URL).path.lstrip("/")


def _connect(database):
    import psycopg

    parts = urlsplit(URL)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=database,
        connect_timeout=5,
        autocommit=True,
    )


def server_version():
    """PostgreSQL's version, or None when it cannot be reached."""
    try:
        with _connect("postgres") as connection:
            return connection.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 (any failure means: not reachable)
        return None


def unreachable():
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        with _connect("postgres"):
            return None
    except Exception as error:  # noqa: BLE001
        where = f"{urlsplit(URL).hostname}:{urlsplit(URL).port or 5432}"
        return f"PostgreSQL is unreachable at {where} ({str(error).strip()[:200]})"


def prepare():
    """Create, migrate and load the database; return the consultation to answer ({slug, questions})."""
    from psycopg import sql

    with _connect("postgres") as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    procs.manage(URL, "migrate", "--noinput", "-v0")
    procs.manage(URL, "load_peel_data")
    procs.manage(URL, "load_consultations")
    with tempfile.TemporaryDirectory() as folder:
        result = os.path.join(folder, "consultation.json")
        procs.run(["-m", "bench.open_consultation", result], URL)
        with open(result) as file:
            return json.load(file)


def responses(slug):
    """How many responses the consultation ``slug`` holds in the benchmark's database."""
    with _connect(DATABASE) as connection:
        return connection.execute(
            "SELECT count(*) FROM consultations_response r"
            " JOIN consultations_consultation c ON c.id = r.consultation_id WHERE c.slug = %s",
            [slug],
        ).fetchone()[0]
