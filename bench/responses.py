"""Many consultation responses at once, with an answer to every question, by bulk inserts in batches.

Imported once Django is set up (``bench.django_side.setup()``). Used by the ten-times data set
(``synthetic``) and by the export benchmark (``consultation_export``).
"""

import datetime

from django.db import transaction

from consultations.models import Answer, AnswerChoice, QuestionKind, Response

BATCH = 5000
# Text a spreadsheet or a CSV reader could trip on: Welsh, a line break, a formula, quotes, nothing at all.
TEXTS = ["Ynys Môn", "More time for\nvictims, please.", "=1+1", 'naïve – “quoted”, with "quotes"', ""]
SCALE = ["strongly-agree", "agree", "neither", "disagree", "strongly-disagree"]
CONSENTS = ["full", "anonymous", "none"]


def add_responses(consultation, first, last, *, start=None, step=datetime.timedelta(seconds=7)):
    """Responses numbered ``first`` to ``last - 1``, the nth made at ``start + n * step`` (by default from
    when the consultation opened)."""
    questions = [
        (q, list(q.choices.all())) for q in consultation.questions.prefetch_related("choices").order_by("position")
    ]
    start = start or consultation.opens_at
    for low in range(first, last, BATCH):
        numbers = range(low, min(low + BATCH, last))
        with transaction.atomic():
            responses = Response.objects.bulk_create(_response(consultation, n, start + n * step) for n in numbers)
            pending = [
                (answer, chosen)
                for n, response in zip(numbers, responses, strict=True)
                for answer, chosen in (_answer(response.pk, question, choices, n) for question, choices in questions)
            ]
            Answer.objects.bulk_create([answer for answer, _ in pending], batch_size=BATCH)
            AnswerChoice.objects.bulk_create(
                (
                    AnswerChoice(answer_id=answer.pk, choice_id=choice.pk)
                    for answer, chosen in pending
                    for choice in chosen
                ),
                batch_size=BATCH,
            )


def _response(consultation, n, created_at):
    return Response(
        consultation_id=consultation.pk,
        reference=f"B{n // 10000:03d}-{n % 10000:04d}",  # nine characters, never one new_reference() draws
        submission_key=f"bench-{n}",
        created_at=created_at,
        respondent_type="individual" if n % 3 else "organisation",
        name=f"Respondent {n}",
        organisation="" if n % 3 else "Heddlu Dyfed-Powys",
        email=f"r{n}@example.org",
        consent=CONSENTS[n % 3],
    )


def _answer(response_id, question, choices, n):
    """An Answer (not saved) and the choices picked in it."""
    match question.kind:
        case QuestionKind.SHORT_TEXT | QuestionKind.LONG_TEXT:
            text = f"{TEXTS[n % len(TEXTS)]} {n}"[: question.length_limit]
            return Answer(response_id=response_id, question_id=question.pk, text=text), []
        case QuestionKind.ONE_CHOICE:
            return Answer(response_id=response_id, question_id=question.pk), [
                choices[n % len(choices)]
            ] if choices else []
        case QuestionKind.SEVERAL_CHOICES:
            return Answer(response_id=response_id, question_id=question.pk), choices[: n % (len(choices) + 1)]
        case _:
            return Answer(response_id=response_id, question_id=question.pk, scale=SCALE[n % len(SCALE)]), []


def consultation_for_responses():
    """The consultation the benchmark answers: a published one with questions, open now if one is (the
    demonstration consultation that load_consultations opens), else the one with most questions."""
    from django.db.models import Count
    from django.utils import timezone

    from consultations.models import Consultation

    with_questions = Consultation.objects.published().annotate(n=Count("questions")).filter(n__gt=0)
    return (
        with_questions.open(timezone.now()).order_by("-n", "pk").first() or with_questions.order_by("-n", "pk").first()
    )
