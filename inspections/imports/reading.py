"""Reading an uploaded file of grades: UTF-8 CSV or an Excel workbook (.xlsx), with the columns of
data/peel_judgments.csv.

The checks on the file's form are the loader's own (see inspections.loading.files): the header, the number
of fields in a row, control characters. A problem with the file as a whole (too big, not CSV or XLSX, not
UTF-8, a missing column) is an UploadError; a problem in one row is kept with its line and the rest of the
file is still read, so that every row's problem can be shown at once.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

import openpyxl

from inspections.loading.files import check_header, decode, parse_csv, row_values
from inspections.loading.loader import JUDGMENT_COLUMNS
from inspections.loading.store import LoadError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
MAX_SHEET_LINES = 10 * MAX_ROWS
# What a workbook may hold once unzipped: its XML is often ten or more times the size of the file.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"

SAVE_AS_CSV_UTF8 = "Save it from your spreadsheet as “CSV UTF-8”, or upload the .xlsx workbook itself."


class UploadError(Exception):
    """A file that cannot be read at all, with the reason in words for the person who chose it."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


@dataclass
class Upload:
    """The rows of an uploaded file: (line, dict of column to value) for each row that passed the file's
    checks, and a LoadError for each that did not."""

    name: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def read_upload(upload):
    """An Upload from a Django UploadedFile, or an UploadError saying why it cannot be read."""
    name = upload.name or "the file"
    too_big = (
        f"“{name}” is more than {MAX_BYTES // (1024 * 1024)} MB, the most a file may be: split it into smaller files."
    )
    if upload.size is not None and upload.size > MAX_BYTES:
        raise UploadError(too_big)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("csv", "xlsx"):
        hint = " Older .xls workbooks must be saved as .xlsx first." if extension == "xls" else ""
        raise UploadError(f"“{name}” is not a CSV file (.csv) or an Excel workbook (.xlsx).{hint}")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadError(too_big)
    if not data.strip():
        raise UploadError(f"“{name}” is empty.")
    result = Upload(name=name)
    try:
        if extension == "csv":
            _read_csv(data, name, result)
        else:
            _read_xlsx(data, name, result)
    except LoadError as error:
        raise UploadError(describe(error)) from None
    if len(result.rows) + len(result.errors) > MAX_ROWS:
        raise UploadError(f"“{name}” has more than {MAX_ROWS:,} rows: split it into smaller files.")
    if not result.rows and not result.errors:
        raise UploadError(f"“{name}” has its header but no rows of grades after it.")
    return result


def describe(error):
    """A LoadError as shown to staff: "line 3: reason", or the reason alone when it is about no line."""
    return f"line {error.line}: {error.reason}" if error.line else error.reason


def _read_csv(data, name, result):
    if data.startswith(ZIP_SIGNATURE):
        raise UploadError(f"“{name}” is a workbook or other zipped file, not CSV text. {SAVE_AS_CSV_UTF8}")
    try:
        text = decode(data, name)
    except LoadError as error:
        raise UploadError(f"{describe(error)}. {SAVE_AS_CSV_UTF8}") from None
    # The upload arrived whole, so a last row without a new line after it was not cut short on the way.
    if not text.endswith(("\n", "\r")):
        text += "\n"
    result.rows = parse_csv(text, name, JUDGMENT_COLUMNS, errors=result.errors)


def _read_xlsx(data, name, result):
    """The first worksheet, its first row being the header. A cell is read as what it holds, so a formula
    such as =1+1 is the text "=1+1", never the value a spreadsheet program would work out for it."""
    not_a_workbook = f"“{name}” cannot be opened as an Excel workbook (.xlsx)."
    if not data.startswith(ZIP_SIGNATURE):
        raise UploadError(not_a_workbook)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(not_a_workbook) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise UploadError(f"“{name}” holds more data than an import may read: split it into smaller files.")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # a damaged workbook fails in many ways, each meaning the same to the person uploading it
        raise UploadError(not_a_workbook) from None
    try:
        lines = _sheet_lines(workbook, name)
    except UploadError:
        raise
    except Exception:
        raise UploadError(f"“{name}” could not be read: its first worksheet is damaged.") from None
    finally:
        workbook.close()
    if not lines or not any(lines[0]):
        raise UploadError(f"“{name}”: the first row of the first worksheet must be the header, and it is empty.")
    header = lines[0]
    while header and not header[-1]:
        header.pop()
    header = [column.strip() for column in header]
    check_header(name, header, JUDGMENT_COLUMNS)
    for line, fields in enumerate(lines[1:], 2):
        # Cells past the header's columns count only when something is in them; missing ones are empty.
        while len(fields) > len(header) and not fields[-1]:
            fields.pop()
        if not any(field.strip() for field in fields):
            continue
        fields += [""] * (len(header) - len(fields))
        try:
            result.rows.append((line, row_values(header, fields)))
        except ValueError as error:
            result.errors.append(LoadError(name, line, str(error)))


def _sheet_lines(workbook, name):
    sheets = workbook.worksheets
    if not sheets:
        raise UploadError(f"“{name}” has no worksheet.")
    sheet = sheets[0]
    sheet.reset_dimensions()  # a workbook's own note of its size may be wrong: read every row there is
    lines, filled = [], 0
    for cells in sheet.iter_rows(values_only=True):
        lines.append([cell_text(value) for value in cells])
        filled += any(lines[-1])
        # The header and MAX_ROWS rows, and a bound on the empty rows a sheet may hold between them.
        if filled > MAX_ROWS + 1 or len(lines) > MAX_SHEET_LINES:
            raise UploadError(f"“{name}” has more than {MAX_ROWS:,} rows: split it into smaller files.")
    return lines


def cell_text(value):
    """A cell's value as the text a CSV file would hold for it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    # An array formula and the like: the formula as written.
    return str(getattr(value, "text", None) or value)
