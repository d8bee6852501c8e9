"""The email a respondent gets with their reference and a copy of their answers.

It is sent once the response is safely stored (after the transaction commits), and a mail server that is
down or refuses the message is logged for staff and never undoes, delays or fails the response itself.
"""

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from .display import answer_lines, stored_value
from .models import Response

logger = logging.getLogger(__name__)


def send_receipt(response_pk):
    try:
        response = (
            Response.objects.select_related("consultation")
            .prefetch_related("answers__question", "answers__choices")
            .get(pk=response_pk)
        )
        answers = [
            (answer.question, answer_lines(answer.question, stored_value(answer)))
            for answer in sorted(response.answers.all(), key=lambda a: a.question.position)
        ]
        body = render_to_string("consultations/email/receipt.txt", {"response": response, "answers": answers})
        subject = f"Your response to {response.consultation.title}: {response.reference}"
        EmailMessage(subject=subject, body=body, to=[response.email]).send()
    except Exception:
        logger.exception("The receipt for consultation response %s could not be emailed", response_pk)
