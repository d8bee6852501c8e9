"""Every response to a consultation as a CSV download for staff: one row per response, one column per question.

The file is streamed a row at a time, so a consultation with many thousands of responses never sits whole
in memory. Several choices share a cell, joined with "; ". Every cell goes through ``neutralise``, so text a
respondent typed can never run as a formula when the file is opened in a spreadsheet.
"""

import csv
import zoneinfo

from django.http import StreamingHttpResponse
from django.utils import timezone

from peel.downloads import neutralise

from .display import answer_lines, stored_value
from .models import Response

LONDON = zoneinfo.ZoneInfo("Europe/London")
ABOUT_COLUMNS = ["reference", "sent (UK time)", "responding as", "name", "organisation", "email", "may we publish"]
CHUNK = 500


class _Echo:
    """A file-like object whose write() hands back the line, for csv.writer to stream through."""

    def write(self, value):
        return value


def rows(consultation):
    """The header, then a list of cells per response, oldest first."""
    questions = list(consultation.questions.all())
    yield ABOUT_COLUMNS + [f"Q{q.position}: {q.text}" for q in questions]
    responses = Response.objects.filter(consultation=consultation).for_export()
    for response in responses.iterator(chunk_size=CHUNK):
        answers = {answer.question_id: answer for answer in response.answers.all()}
        cells = [
            response.reference,
            timezone.localtime(response.created_at, LONDON).strftime("%Y-%m-%d %H:%M:%S"),
            response.get_respondent_type_display(),
            response.name,
            response.organisation,
            response.email,
            response.get_consent_display(),
        ]
        for question in questions:
            answer = answers.get(question.pk)
            if answer is not None:
                answer.question = question
            cells.append("; ".join(answer_lines(question, stored_value(answer))) if answer else "")
        yield cells


def csv_download(consultation):
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines():
        yield "\ufeff"  # so that Excel reads the file as UTF-8
        for cells in rows(consultation):
            yield writer.writerow([neutralise(cell) for cell in cells])

    filename = f"{consultation.slug}-responses.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
