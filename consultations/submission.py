"""Storing a response: whole or not at all, and once however many times it is sent.

The form carries a random submission key from the moment it is first shown. A second POST with the same
key (a double click, the back button and send again, a browser retrying) finds the response the first
one stored and returns it, reference and all, instead of storing another. Two sent at the same instant
race to insert; the unique constraint on (consultation, submission key) lets one win, and the other reads
the winner's response back.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Answer, AnswerChoice, Phase, QuestionKind, Response
from .receipts import send_receipt
from .references import new_reference

logger = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5


class NotOpen(Exception):
    """The consultation is not taking responses (upcoming, closed or unpublished): nothing was stored."""


class TooMany(Exception):
    """This client has sent more responses lately than the limit allows: nothing was stored."""


def submit_response(*, consultation, answers, about, submission_key, may_store=None, now=None):
    """Store one response with its answers and return (response, created).

    ``answers`` is a list of (question, value) from ResponseForm.answers(); ``about`` the respondent's
    details from ResponseForm.about(). ``may_store`` is asked before a new response is stored (never for
    a repeat) and refuses it, with TooMany, by returning False. A receipt is emailed once the transaction
    commits, when an email address was given.
    """
    existing = _existing(consultation, submission_key)
    if existing:
        return existing, False
    if not (consultation.is_published and consultation.phase_at(now or timezone.now()) == Phase.OPEN):
        raise NotOpen
    if may_store and not may_store():
        raise TooMany
    for _ in range(REFERENCE_ATTEMPTS):
        try:
            return _store(consultation, answers, about, submission_key), True
        except IntegrityError:
            existing = _existing(consultation, submission_key)
            if existing:
                return existing, False
            # Otherwise two responses drew the same reference: draw again.
    raise RuntimeError(f"No free reference after {REFERENCE_ATTEMPTS} attempts")


def _existing(consultation, submission_key):
    return Response.objects.filter(consultation=consultation, submission_key=submission_key).first()


@transaction.atomic
def _store(consultation, answers, about, submission_key):
    response = Response.objects.create(
        consultation=consultation, reference=new_reference(), submission_key=submission_key, **about
    )
    stored = Answer.objects.bulk_create([_answer(response, question, value) for question, value in answers])
    AnswerChoice.objects.bulk_create(
        AnswerChoice(answer=answer, choice=choice)
        for answer, (_, value) in zip(stored, answers, strict=True)
        if isinstance(value, list)
        for choice in value
    )
    if response.email:
        transaction.on_commit(lambda: send_receipt(response.pk))
    return response


def _answer(response, question, value):
    if question.kind == QuestionKind.AGREE_SCALE:
        return Answer(response=response, question=question, scale=value)
    if isinstance(value, list):
        return Answer(response=response, question=question)
    return Answer(response=response, question=question, text=value)
