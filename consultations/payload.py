"""Carrying answers from the form to "check your answers" and on to sending, with no session.

The public pages keep no session and set no cookie of their own, so the checked answers travel in the
page itself as one signed hidden field. The signature (Django's ``signing``, keyed by the site's secret)
means what comes back is exactly what was checked, for this consultation, and recently: anything else is
refused and the person starts again. Signing is not encryption: the respondent can read their own answers
in the field, which is no secret from them.
"""

from django.core import signing
from django.utils.datastructures import MultiValueDict

SALT = "consultations.answers"
MAX_AGE = 60 * 60 * 24  # seconds: a day to check and send


class ExpiredOrTampered(Exception):
    """The signed answers could not be read: altered, from another consultation, or too old."""


def sign(consultation, payload):
    return signing.dumps({"consultation": consultation.pk, "answers": payload}, salt=SALT, compress=True)


def unsign(consultation, token):
    """The answers as form data, or ExpiredOrTampered."""
    try:
        value = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):
        raise ExpiredOrTampered from None
    if not isinstance(value, dict) or value.get("consultation") != consultation.pk:
        raise ExpiredOrTampered
    answers = value.get("answers")
    if not isinstance(answers, dict):
        raise ExpiredOrTampered
    return MultiValueDict({name: list(v) if isinstance(v, list) else [v] for name, v in answers.items()})
