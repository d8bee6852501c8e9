"""Builders for consultation test data. Each takes overrides for any field it sets."""

import datetime
import itertools

from django.utils import timezone

from consultations.models import Choice, Consultation, Question, QuestionKind
from peel.publishing import Status

_n = itertools.count(1)
DAY = datetime.timedelta(days=1)


def make_consultation(**overrides):
    n = next(_n)
    now = timezone.now()
    values = {
        "slug": f"consultation-{n}",
        "title": f"Consultation {n}",
        "summary": f"What do you think of proposal {n}?",
        "body": "We propose **something**.",
        "opens_at": now - 10 * DAY,
        "closes_at": now + 20 * DAY,
        "time_to_answer": 15,
        "status": Status.PUBLISHED,
    }
    return Consultation.objects.create(**values | overrides)


def make_question(consultation, **overrides):
    position = overrides.pop("position", None) or consultation.questions.count() + 1
    choices = overrides.pop("choices", ())
    values = {"position": position, "kind": QuestionKind.LONG_TEXT, "text": f"Question {position}?"}
    question = Question.objects.create(consultation=consultation, **values | overrides)
    for index, text in enumerate(choices, 1):
        Choice.objects.create(question=question, position=index, text=text)
    return question


def make_open_consultation_with_every_kind(**overrides):
    """An open consultation asking one question of each kind, the first two required."""
    consultation = make_consultation(**overrides)
    make_question(consultation, kind=QuestionKind.SHORT_TEXT, text="Your role?", required=True, max_length=50)
    make_question(consultation, kind=QuestionKind.LONG_TEXT, text="What should change?", required=True, max_length=200)
    make_question(consultation, kind=QuestionKind.ONE_CHOICE, text="Which matters most?", choices=["Speed", "Care"])
    make_question(
        consultation, kind=QuestionKind.SEVERAL_CHOICES, text="Which topics?", choices=["Fraud", "Roads", "Drugs"]
    )
    make_question(consultation, kind=QuestionKind.AGREE_SCALE, text="Do you agree with the plan?")
    return consultation
