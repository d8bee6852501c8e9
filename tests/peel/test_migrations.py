"""Every migration runs backwards as well as forwards, on a database holding the site's data.

Each of the project's apps, then the whole project, is migrated to zero (which first unapplies the apps whose
migrations depend on it) and back to the latest migration, with the real data, the demo narrative, a staff
member's revision and a consultation response loaded first, so that each reverse step runs on real rows. On
PostgreSQL that catches what SQLite lets through, such as a column shrunk back below the values it holds.
Afterwards the schema must be exactly what it was, match the models, and take the data again.

The tests commit (SQLite cannot change a table's schema inside the test's transaction) and leave the database
fully migrated. Like every test that commits, each is followed by pytest-django emptying the database, which
makes the content types and permissions again but not the staff groups: a test after them that needs the groups
makes them, as the `roles` fixture does.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython, RunSQL
from django.db.migrations.recorder import MigrationRecorder

from consultations.models import Response
from inspections.models import PillarJudgment
from tests.peel.test_backup import load_demo_site

PROJECT_APPS = ["forces", "inspections", "consultations", "peel"]

# Data migrations whose reverse deliberately does nothing, and why. A new one must be added here with its reason.
NOTHING_TO_UNDO = {
    ("inspections", "0002_year_source_notes_narrative_origin"): (
        "the staff-only notes on sources are not moved back into the public notes: going back drops them with "
        "their column, and load_peel_data puts them back"
    ),
    ("peel", "0002_roles"): (
        "the Editors and Publishers groups, and who is in them, are kept: migrating forwards again finds them and "
        "sets their permissions"
    ),
}


def schema():
    """Every table's columns, constraints and indexes, as the database describes them. (The order of the columns
    is left out: SQLite puts a column it had to rebuild the table for last.)"""
    introspection = connection.introspection
    with connection.cursor() as cursor:
        return {
            table.name: {
                "columns": {column.name: column for column in introspection.get_table_description(cursor, table.name)},
                "constraints": introspection.get_constraints(cursor, table.name),
            }
            for table in introspection.get_table_list(cursor)
            if table.type == "t"
        }


def tables_of(app_label):
    models = apps.get_app_config(app_label).get_models(include_auto_created=True)
    return {model._meta.db_table for model in models}


def unapplied():
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def differences_from_models():
    """What the database lacks of the models: a missing table, or a table whose columns are not the fields'."""
    described = schema()
    found = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in described:
            found.append(f"{model._meta.label}: no table {table}")
            continue
        columns = set(described[table]["columns"])
        fields = {field.column for field in model._meta.local_concrete_fields}
        if columns != fields:
            found.append(f"{model._meta.label}: columns {sorted(columns ^ fields)} differ")
    return found


def assert_fully_migrated_as_before(before):
    assert unapplied() == []
    assert differences_from_models() == []
    assert schema() == before
    call_command("makemigrations", check_changes=True, dry_run=True, verbosity=0)  # exits if models changed
    roles = importlib.import_module("peel.migrations.0002_roles")
    for name, rights in [("Editors", roles.editor_rights()), ("Publishers", roles.publisher_rights())]:
        permissions = Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename")
        assert sorted(permissions) == sorted(rights), name


@pytest.fixture
def migrated_afterwards(transactional_db):
    """Whatever happens in the test, the database is migrated to the latest again for the tests after it."""
    yield
    if unapplied():
        call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()


def test_every_migration_can_be_unapplied():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in loader.disk_migrations.items():
        if app_label not in PROJECT_APPS:
            continue
        for operation in migration.operations:
            assert operation.reversible, f"{app_label}.{name}: {operation.describe()} has no reverse"
            if isinstance(operation, RunPython) and operation.reverse_code is RunPython.noop:
                assert (app_label, name) in NOTHING_TO_UNDO, f"{app_label}.{name} undoes nothing: say why here"
            if isinstance(operation, RunSQL):
                undoes_something = operation.reverse_sql != RunSQL.noop
                assert undoes_something or (app_label, name) in NOTHING_TO_UNDO, f"{app_label}.{name}: say why here"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app_label", PROJECT_APPS)
def test_app_migrates_to_zero_and_back_with_data(app_label, migrated_afterwards):
    before = schema()
    load_demo_site()

    call_command("migrate", app_label, "zero", verbosity=0)
    assert not tables_of(app_label) & set(schema())
    applied = MigrationRecorder(connection).applied_migrations()
    assert not [key for key in applied if key[0] == app_label]
    # The apps depending on it were unapplied first: no migration left applied lacks one it depends on.
    MigrationLoader(connection).check_consistent_history(connection)

    call_command("migrate", verbosity=0)
    assert_fully_migrated_as_before(before)


@pytest.mark.django_db(transaction=True)
def test_going_back_past_longer_urls_clears_only_the_addresses_too_long_for_the_old_columns(migrated_afterwards):
    load_demo_site()
    urls = dict(PillarJudgment.objects.values_list("pk", "source_url"))
    too_long = {pk for pk, url in urls.items() if len(url) > 200}
    assert too_long, "the real data has addresses longer than 200 characters"

    call_command("migrate", "inspections", "0002", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, source_url FROM inspections_pillarjudgment")
        assert dict(cursor.fetchall()) == {pk: "" if pk in too_long else url for pk, url in urls.items()}

    call_command("migrate", verbosity=0)
    assert unapplied() == []


@pytest.mark.django_db(transaction=True)
def test_whole_project_migrates_to_zero_and_back_with_data(migrated_afterwards):
    before = schema()
    load_demo_site()

    loader = MigrationLoader(connection)
    for app_label in sorted(loader.migrated_apps):
        call_command("migrate", app_label, "zero", verbosity=0)
    assert set(schema()) == {MigrationRecorder.Migration._meta.db_table}
    assert not MigrationRecorder(connection).applied_migrations()

    call_command("migrate", verbosity=0)
    # The content types were made again with new ids; this process still holds the old ones (a running server
    # would too, until restarted).
    ContentType.objects.clear_cache()
    assert_fully_migrated_as_before(before)
    # The rebuilt tables take the site's data again.
    load_demo_site()
    assert PillarJudgment.objects.count() > 800 and Response.objects.count() == 1
