"""A consultation's responses added up for staff: by day, by respondent, and by answer.

A fixed number of queries whatever the number of responses: each count is one grouped query, and the
free-text answers are read in one.
"""

import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncDate

from .models import AgreeScale, Answer, AnswerChoice, QuestionKind, RespondentType, Response

LONDON = zoneinfo.ZoneInfo("Europe/London")
TEXT_SHOWN = 200  # free-text answers listed per question; the download has all of them


@dataclass
class Share:
    label: str
    count: int
    total: int

    @property
    def percent(self):
        return round(100 * self.count / self.total) if self.total else 0


@dataclass
class QuestionSummary:
    question: object
    answered: int = 0
    counts: list = field(default_factory=list)  # a Share per choice or point on the scale
    texts: list = field(default_factory=list)  # (reference, text) for text questions
    more_texts: int = 0


def summarise(consultation):
    responses = Response.objects.filter(consultation=consultation)
    total = responses.count()
    by_day = [
        Share(row["day"], row["n"], total)
        for row in responses.annotate(day=TruncDate("created_at", tzinfo=LONDON))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    ]
    types = dict(responses.values_list("respondent_type").annotate(n=Count("pk")).order_by())
    by_type = [Share(label, types.get(value, 0), total) for value, label in RespondentType.choices]
    return {"total": total, "by_day": by_day, "by_type": by_type, "questions": _questions(consultation)}


def _questions(consultation):
    questions = list(consultation.questions.prefetch_related("choices"))
    answers = Answer.objects.filter(response__consultation=consultation)
    answered = dict(answers.values_list("question").annotate(n=Count("pk")).order_by())
    chosen = dict(
        AnswerChoice.objects.filter(answer__response__consultation=consultation)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    scale = {
        (row["question"], row["scale"]): row["n"]
        for row in answers.exclude(scale="").values("question", "scale").annotate(n=Count("pk")).order_by()
    }
    texts = {}
    for question_id, reference, text in (
        answers.filter(question__kind__in=[QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT])
        .exclude(text="")
        .order_by("question__position", "response__created_at", "pk")
        .values_list("question", "response__reference", "text")
    ):
        texts.setdefault(question_id, []).append((reference, text))
    summaries = []
    for question in questions:
        summary = QuestionSummary(question, answered=answered.get(question.pk, 0))
        if question.kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
            summary.counts = [Share(c.text, chosen.get(c.pk, 0), summary.answered) for c in question.choices.all()]
        elif question.kind == QuestionKind.AGREE_SCALE:
            counts = [(label, scale.get((question.pk, value), 0)) for value, label in AgreeScale.choices]
            summary.counts = [Share(label, count, summary.answered) for label, count in counts]
        else:
            all_texts = texts.get(question.pk, [])
            summary.texts, summary.more_texts = all_texts[:TEXT_SHOWN], max(0, len(all_texts) - TEXT_SHOWN)
        summaries.append(summary)
    return summaries
