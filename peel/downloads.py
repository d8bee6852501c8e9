"""Tables as files: CSV that opens correctly in a spreadsheet, and JSON, from the same rows.

A download is a list of dicts with stable keys (the columns, documented on the Data page) in the order the
page shows them. CSV is UTF-8 with a byte order mark (so Excel reads it as UTF-8) and a header row; any cell
a spreadsheet would take for a formula (one starting with = + - @, a tab or a carriage return) is prefixed with
an apostrophe, so opening a download can never run anything. JSON carries the same rows, untouched.
"""

import csv
import io
import json

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"csv", "json"}


def neutralise(value):
    """A cell as text a spreadsheet shows as written: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def refusal(fmt, choices="format=csv or format=json"):
    """A plain 400 for a download format this site does not make, or None when ``fmt`` is one it does."""
    if fmt in FORMATS:
        return None
    return HttpResponseBadRequest(f"Choose {choices}.", content_type="text/plain")


def as_csv(rows, columns):
    """CSV text with a header row of ``columns``, one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(row.get(column)) for column in columns])
    return out.getvalue()


def download(rows, columns, *, fmt, filename, about=None):
    """The rows as a CSV or JSON attachment named ``filename`` (without its extension)."""
    if fmt == "csv":
        response = HttpResponse(
            "\ufeff" + as_csv(rows, columns), content_type="text/csv; charset=utf-8", headers=_attachment(filename, fmt)
        )
    else:
        body = {"columns": columns, "rows": [{c: row.get(c) for c in columns} for row in rows]}
        if about:
            body = {"about": about, **body}
        response = JsonResponse(
            body, json_dumps_params={"ensure_ascii": False, "indent": 1}, headers=_attachment(filename, fmt)
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(filename, fmt):
    return {"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'}


def parse_csv(text):
    """Rows of a CSV download as dicts (for tests and anyone checking a file): the inverse of ``as_csv``."""
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def parse_json(content):
    return json.loads(content)["rows"]
