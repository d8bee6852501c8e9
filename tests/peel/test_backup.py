"""Backups restore the site unchanged, as the README's "Backup and restore" section says to take and restore them.

Two ways, each tested on the real data, the demo narrative, a staff member's revision and the admin's history:

* ``dumpdata --natural-foreign`` / ``flush`` / ``loaddata``, which also moves a site between SQLite and
  PostgreSQL: content types and permissions are left out of the dump (``migrate`` makes them, with ids of its
  own) and referred to by their natural keys; every other row keeps its primary key, because revisions,
  proposals and the admin's history name rows (staff accounts too) by their ids inside text.
* on PostgreSQL, ``pg_dump --format=custom`` and ``pg_restore`` into a new database, when the client tools are
  installed (CI installs them with PostgreSQL).
"""

import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connection
from reversion.models import Version

from consultations.models import Answer, AnswerChoice, Consultation, QuestionKind, Response
from inspections.models import PillarJudgment
from peel.models import AuditEntry
from peel.revisions.record import recorded

PROJECT = Path(settings.BASE_DIR)
# Left out of a dump that is loaded with natural keys. `migrate` makes content types and permissions in every
# database, with ids of its own, and the dump refers to them by natural key (app and model; codename); sessions
# are logins, which a moved or restored site does not need (staff sign in again).
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
ON_POSTGRES = connection.vendor == "postgresql"
WHOLE_SECOND = re.compile(r'(T\d\d:\d\d:\d\d)\.000(?=Z?")')


def make_roles():
    """The Editors and Publishers groups as their data migration makes them (a test before may have emptied the
    database, which keeps permissions but not groups)."""
    roles = importlib.import_module("peel.migrations.0002_roles")
    for name, rights in [("Editors", roles.editor_rights()), ("Publishers", roles.publisher_rights())]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([roles._permission(Permission, app, codename) for app, codename in rights])


def load_demo_site():
    """What a running site holds: the real data and the demo narrative as `make run` loads them, a staff member
    in a role whose id leaves a gap (an account was removed before), a revision of her edit, its audit entry, the
    admin's history of it and of her account, and a consultation response."""
    with open(os.devnull, "w") as quiet:
        call_command("load_peel_data", stdout=quiet)
        call_command("load_consultations", stdout=quiet)
    make_roles()
    User.objects.create_user("removed-later").delete()
    edna = User.objects.create_user("edna", first_name="Edna", is_staff=True)
    edna.groups.add(Group.objects.get(name="Editors"))

    judgment = PillarJudgment.objects.order_by("pk").first()
    with recorded("Summary tightened", user=edna):
        judgment.summary = f"{judgment.summary} (Checked.)"
        judgment.changed_by = edna
        judgment.save()
    AuditEntry.objects.create(item=judgment, user=edna, username=edna.username, action=AuditEntry.Action.SUBMITTED)
    for item in (judgment, edna):
        LogEntry.objects.create(
            user=edna,
            content_type=ContentType.objects.get_for_model(item),
            object_id=str(item.pk),
            object_repr=str(item)[:200],
            action_flag=CHANGE,
            change_message="[]",
        )

    consultation = Consultation.objects.filter(questions__kind=QuestionKind.SEVERAL_CHOICES).distinct().first()
    response = Response.objects.create(
        consultation=consultation,
        reference="ABCD-EF23",
        submission_key="backup-test",
        respondent_type="individual",
        name="A Respondent",
        consent="anonymous",
    )
    for question in consultation.questions.order_by("position"):
        if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            Answer.objects.create(response=response, question=question, text="Publish the data as files too.")
        elif question.kind == QuestionKind.AGREE_SCALE:
            Answer.objects.create(response=response, question=question, scale="agree")
        else:
            answer = Answer.objects.create(response=response, question=question)
            AnswerChoice.objects.create(answer=answer, choice=question.choices.order_by("pk").first())
    return edna, judgment


def parse(dumped):
    """A JSON dump's rows. Django's JSON keeps times to the millisecond, and writes a time less than a millisecond
    past the second as "12:00:00.000Z", which it writes as "12:00:00Z" once loaded: read both alike."""
    return json.loads(WHOLE_SECOND.sub(r"\1", dumped))


def dump(*, exclude=(), natural_foreign=False):
    """Every row, as `manage.py dumpdata` writes it, parsed."""
    out = io.StringIO()
    call_command("dumpdata", exclude=list(exclude), natural_foreign=natural_foreign, format="json", stdout=out)
    return parse(out.getvalue())


def models_in(rows):
    return {row["model"] for row in rows}


def shuffle_content_types():
    """Make the content types and permissions again with other ids, as another database would have them."""
    ContentType.objects.all().delete()  # and the permissions with them
    ContentType.objects.bulk_create(ContentType(app_label="elsewhere", model=f"model{n}") for n in range(9))
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    ContentType.objects.filter(app_label="elsewhere").delete()


@pytest.fixture
def content_types_forgotten_afterwards():
    """This process keeps the content types it has looked up; the ones made in the test are rolled back."""
    yield
    ContentType.objects.clear_cache()


@pytest.mark.django_db
def test_dumpdata_with_natural_keys_loads_into_an_emptied_database_unchanged(
    tmp_path, client, content_types_forgotten_afterwards
):
    edna, judgment = load_demo_site()
    ids_before = dict(ContentType.objects.values_list("model", "pk"))
    backup = tmp_path / "peel.json"
    call_command(
        "dumpdata", exclude=EXCLUDED, natural_foreign=True, indent=0, output=str(backup), format="json", verbosity=0
    )
    first = parse(backup.read_text())
    assert {"forces.force", "inspections.pillarjudgment", "reversion.version", "admin.logentry"} <= models_in(first)
    assert {"auth.user", "auth.group", "peel.auditentry", "consultations.answerchoice"} <= models_in(first)
    assert not {"contenttypes.contenttype", "auth.permission", "sessions.session"} & models_in(first)

    # Check the new rows' foreign keys now, as their commit would: PostgreSQL empties no table with checks pending.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not PillarJudgment.objects.exists() and not Group.objects.exists()
    shuffle_content_types()
    assert dict(ContentType.objects.values_list("model", "pk")) != ids_before

    call_command("loaddata", str(backup), verbosity=0)

    # The same rows with the same ids; foreign keys to content types and permissions found by natural key.
    assert dump(exclude=EXCLUDED, natural_foreign=True) == first
    # What refers to rows by id inside text still finds them: revisions, the audit log, the admin's history.
    edna = User.objects.get(username="edna")
    version = Version.objects.get_for_object(PillarJudgment.objects.get(pk=judgment.pk)).latest("pk")
    assert version.field_dict["changed_by_id"] == edna.pk and version.revision.user == edna
    assert version.revision.get_comment() == "Summary tightened"
    assert {entry.get_edited_object() for entry in LogEntry.objects.filter(user=edna)} == {edna, judgment}
    assert AuditEntry.objects.get(user=edna).item == judgment
    roles = importlib.import_module("peel.migrations.0002_roles")
    publishers = Group.objects.get(name="Publishers").permissions.values_list("content_type__app_label", "codename")
    assert sorted(publishers) == sorted(roles.publisher_rights())
    assert edna.has_perm("inspections.change_pillarjudgment") and not edna.has_perm("inspections.publish_assessment")
    # The site serves the restored data.
    force = judgment.assessment.force
    assert client.get(force.get_absolute_url()).status_code == 200


def postgres_tools_missing():
    return [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]


def libpq_environment(database):
    """The connection for PostgreSQL's own tools, password included, in their environment: never on a command
    line, where other users of the machine could read it."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
    environment.update(
        PGHOST=database["HOST"] or "localhost",
        PGPORT=str(database["PORT"] or 5432),
        PGUSER=database["USER"],
        PGPASSWORD=database["PASSWORD"],
    )
    return environment


def database_url(database, name):
    user, password = (urllib.parse.quote(database[key], safe="") for key in ("USER", "PASSWORD"))
    return f"postgres://{user}:{password}@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{name}"


def manage(database, name, *arguments):
    """Run `manage.py` against another database, as an operator would after a restore."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "DJANGO_"))}
    environment.update(DATABASE_URL=database_url(database, name), DJANGO_LOCAL="true")
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def connect(database, name):
    return psycopg.connect(
        dbname=name,
        host=database["HOST"] or "localhost",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"],
        autocommit=True,
    )


def contents(database, name):
    """Every table's row count and every sequence's position, read straight from PostgreSQL."""
    with connect(database, name) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}  # noqa: S608
        sequences = dict(
            db.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'").fetchall()
        )
    return counts, sequences


@pytest.fixture
def restored_database():
    """The name of a new, empty database on the test database's server, dropped afterwards."""
    database = connection.settings_dict
    name = f"{database['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with connect(database, database["NAME"]) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connect(database, database["NAME"]) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump and pg_restore need PostgreSQL (DATABASE_URL=postgres://...)")
@pytest.mark.skipif(
    bool(postgres_tools_missing()),
    reason=f"PostgreSQL's client tools are not installed ({', '.join(postgres_tools_missing())} missing; "
    "apt-get install postgresql-client)",
)
@pytest.mark.django_db(transaction=True)  # committed, for pg_dump to see
def test_pg_dump_restores_into_a_new_database_unchanged(tmp_path, restored_database):
    load_demo_site()
    database = connection.settings_dict
    environment = libpq_environment(database)
    backup = tmp_path / "peel.dump"

    def run(*command):
        result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr}"

    # The README's commands: a custom-format dump; a restore into a new database; a restore over a database
    # that already holds the site, which drops each object before making it again, in one transaction.
    run("pg_dump", "--format=custom", f"--file={backup}", f"--dbname={database['NAME']}")
    restore = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={restored_database}"]
    run(*restore, str(backup))
    run(*restore, "--clean", "--if-exists", "--single-transaction", str(backup))

    assert contents(database, restored_database) == contents(database, database["NAME"])
    counts, _ = contents(database, restored_database)
    assert counts["inspections_pillarjudgment"] > 800 and counts["reversion_version"] > 1500

    checked = manage(database, restored_database, "migrate", "--check")
    assert checked.returncode == 0, f"migrations not all applied in the restored database:\n{checked.stdout}"
    dumped = manage(database, restored_database, "dumpdata", "--format=json")
    assert dumped.returncode == 0, dumped.stderr
    assert parse(dumped.stdout) == dump()
