"""Responses sent at the same time, on PostgreSQL (SQLite takes one writer at a time, so it cannot race)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection, connections

from consultations import submission
from consultations.forms import ResponseForm
from consultations.models import Answer, Response
from tests.consultations.factories import make_open_consultation_with_every_kind
from tests.consultations.helpers import good_answers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"),
]


def checked(consultation):
    form = ResponseForm(good_answers(consultation), questions=consultation.questions.prefetch_related("choices"))
    assert form.is_valid(), form.errors
    return form.answers(), form.about()


def in_thread(work):
    """Run work() with the thread's own database connection, closed afterwards."""

    def run(*args):
        try:
            return work(*args)
        finally:
            connections.close_all()

    return run


def test_twenty_clients_sending_500_responses_store_500_with_500_references():
    consultation = make_open_consultation_with_every_kind()
    answers, about = checked(consultation)

    @in_thread
    def send(n):
        response, created = submission.submit_response(
            consultation=consultation, answers=answers, about=about, submission_key=f"key-{n:04d}-{'x' * 16}"
        )
        return response.reference, created

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(send, range(500)))
    assert all(created for _, created in results)
    assert Response.objects.filter(consultation=consultation).count() == 500
    assert len(set(Response.objects.values_list("reference", flat=True))) == 500
    assert Answer.objects.filter(response__consultation=consultation).count() == 500 * 5


def test_the_same_response_sent_twice_at_the_same_moment_is_stored_once():
    consultation = make_open_consultation_with_every_kind()
    answers, about = checked(consultation)
    store = submission._store
    for attempt in range(10):
        barrier = threading.Barrier(2, timeout=10)

        def together(*args, barrier=barrier):
            barrier.wait()  # both have looked for the key and found nothing: now both insert
            return store(*args)

        @in_thread
        def send(_, key=f"same-{attempt}-{'y' * 16}"):
            return submission.submit_response(
                consultation=consultation, answers=answers, about=about, submission_key=key
            )

        with mock.patch.object(submission, "_store", together), ThreadPoolExecutor(max_workers=2) as pool:
            (first, first_created), (second, second_created) = pool.map(send, range(2))
        assert first.pk == second.pk and first.reference == second.reference
        assert sorted([first_created, second_created]) == [False, True]
    assert Response.objects.filter(consultation=consultation).count() == 10
    assert Answer.objects.filter(response__consultation=consultation).count() == 10 * 5
