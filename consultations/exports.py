"""Every response to a consultation as a CSV or XLSX download for staff: one row per response, one column per
question.

Responses are read a chunk at a time (each chunk with its answers and choices, in a fixed number of queries),
so a consultation with many thousands of responses never sits whole in memory. The CSV is streamed a row at a
time; the XLSX is written row by row by openpyxl's write-only workbook into a temporary file, which is then
sent. Several choices share a cell, joined with "; ". Every cell goes through ``neutralise``, so text a
respondent typed can never run as a formula when the file is opened in a spreadsheet, and every XLSX cell is
stored as text.
"""

import csv
import re
import tempfile
import zoneinfo

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from peel.downloads import neutralise

from .display import answer_lines, stored_value
from .models import Response

LONDON = zoneinfo.ZoneInfo("Europe/London")
ABOUT_COLUMNS = ["reference", "sent (UK time)", "responding as", "name", "organisation", "email", "may we publish"]
CHUNK = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IN_MEMORY_UP_TO = 2 * 1024 * 1024  # a bigger workbook spills from memory to disk while it is written
# What XML 1.0 cannot hold, so an XLSX cannot either: control characters other than tab and the new lines, and
# U+FFFE and U+FFFF (openpyxl's own ILLEGAL_CHARACTERS_RE leaves those two in, and the workbook will not open).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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
    return _private(response)


def _text_cell(sheet, value):
    """A cell that holds text and only text: neutralised, without the characters XML cannot carry, and typed as
    a string, so a spreadsheet never evaluates it. The characters are left out first, so that text they stood
    before ("\\x01=cmd|...") is neutralised as the cell will start."""
    cell = WriteOnlyCell(sheet, value=neutralise(NOT_XML.sub("", neutralise(value))))
    cell.data_type = "s"
    return cell


def write_xlsx(consultation, file):
    """The same rows as the CSV, as a one-sheet workbook written to ``file``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    for cells in rows(consultation):
        sheet.append([_text_cell(sheet, cell) for cell in cells])
    workbook.save(file)


def xlsx_download(consultation):
    file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_UP_TO)  # noqa: SIM115 (FileResponse closes it)
    try:
        write_xlsx(consultation, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    filename = f"{consultation.slug}-responses.xlsx"
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    return _private(response)


def _private(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
