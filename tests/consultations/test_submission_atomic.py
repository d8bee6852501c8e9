"""A response is stored whole or not at all, even when the database fails part-way through storing it.

The response row is written first, then its answers, then the choices ticked in them, all in one transaction
(consultations/submission.py). Each test lets the response row in and makes a later insert fail, as a
connection lost at that moment would; the respondent must get the "service unavailable" page, not an error
and not a confirmation, nothing may be left behind, and sending the same answers again must store them once.

The tests commit for real (``transaction=True``), so the rollback they check is the database's own and not a
test's savepoint. On PostgreSQL, one test also cuts the connection from the server's side in the middle of the
transaction, so that the failure is the driver's own.
"""

import os
import time

import psycopg
import pytest
from django.core import mail
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

from consultations.models import Answer, AnswerChoice, Response
from tests.consultations.factories import make_open_consultation_with_every_kind
from tests.consultations.helpers import check, good_answers, hidden_value, send_checked, text_of
from tests.consultations.test_submission import receipt_of

pytestmark = pytest.mark.django_db(transaction=True)
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def inserting_into(model, sql):
    return sql.startswith(f'INSERT INTO "{model._meta.db_table}"')


def failing_before(model, fail):
    """An execute wrapper that calls ``fail`` just before the first insert into ``model``'s table, and notes
    every insert made before it."""
    made = []

    def wrapper(execute, sql, params, many, context):
        if inserting_into(model, sql) and not made.count("failed"):
            made.append("failed")
            fail(context["connection"])
        elif sql.startswith("INSERT INTO"):
            made.append(sql.split('"')[1])
        return execute(sql, params, many, context)

    return wrapper, made


def lose_the_connection(_):
    raise OperationalError("server closed the connection unexpectedly")


def cut_from_the_server(database):
    """End the connection's PostgreSQL backend from another connection, and wait until it has gone."""
    pid = database.connection.info.backend_pid
    settings = database.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(50):
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.1)
    pytest.fail(f"backend {pid} did not end")


def sending_fails_then_succeeds(model, fail):
    consultation = make_open_consultation_with_every_kind()
    respondent = Client(raise_request_exception=False)
    answers = hidden_value(check(respondent, consultation, good_answers(consultation)), "answers")
    wrapper, made = failing_before(model, fail)

    with connection.execute_wrapper(wrapper):
        failed = send_checked(respondent, consultation, answers)
    assert made[-1] == "failed" and Response._meta.db_table in made  # part-way: the response row was written
    assert failed.status_code == 503 and "Sorry, the service is unavailable" in text_of(failed)
    assert (Response.objects.count(), Answer.objects.count(), AnswerChoice.objects.count()) == (0, 0, 0)
    assert not mail.outbox  # no receipt for a response that was not stored

    sent = send_checked(respondent, consultation, answers)  # back, and send again
    again = send_checked(respondent, consultation, answers)  # and once more, to be sure
    stored = Response.objects.get()
    assert sent.status_code == again.status_code == 302
    assert receipt_of(sent) == receipt_of(again) == stored.reference
    # Five answers; three choices ticked (one of one, two of several); and nothing else anywhere.
    assert (stored.answers.count(), AnswerChoice.objects.filter(answer__response=stored).count()) == (5, 3)
    assert (Answer.objects.count(), AnswerChoice.objects.count()) == (5, 3)
    assert len(mail.outbox) == 1 and stored.reference in mail.outbox[0].subject


@pytest.mark.parametrize("model", [Answer, AnswerChoice], ids=["answers", "choices"])
def test_a_connection_lost_part_way_through_stores_nothing_and_sending_again_stores_it_once(model):
    sending_fails_then_succeeds(model, lose_the_connection)


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
def test_a_connection_cut_by_the_server_part_way_through_stores_nothing_and_sending_again_stores_it_once():
    sending_fails_then_succeeds(Answer, cut_from_the_server)
