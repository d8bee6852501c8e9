"""Consultations, their questions and the responses that come in.

- ``consultation``: a consultation with its documents, questions, choices and published outcome
- ``response``: a response with its reference and an answer per question
"""

from .consultation import Choice, Consultation, Document, OutcomeCount, Phase, Question, QuestionKind
from .response import RESPONDENT_PLURALS, AgreeScale, Answer, AnswerChoice, Consent, RespondentType, Response

__all__ = [
    "RESPONDENT_PLURALS",
    "AgreeScale",
    "Answer",
    "AnswerChoice",
    "Choice",
    "Consent",
    "Consultation",
    "Document",
    "OutcomeCount",
    "Phase",
    "Question",
    "QuestionKind",
    "RespondentType",
    "Response",
]
