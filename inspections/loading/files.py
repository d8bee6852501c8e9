"""Reading the data files: CSV rows with their line numbers, and TOML tables with their positions.

Anything wrong with a file as a whole (missing, a folder, not UTF-8, cut short, a row of the wrong length,
a TOML table of the wrong shape) is a LoadError naming the file and where in it.
"""

import codecs
import csv
import datetime
import io
import re
import tomllib

from .store import LoadError
from .values import check_text, decimal

TRUNCATED = "the file does not end with a new line, so its last row may be cut short"


def read_text(path, name):
    """A data file's text, which must be a UTF-8 file (a leading byte order mark is allowed)."""
    if not path.exists():
        raise LoadError(name, 0, "file not found")
    if not path.is_file():
        raise LoadError(name, 0, "this is a folder, not a file" if path.is_dir() else "this is not a regular file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(name, 0, f"the file cannot be read ({error.strerror or error})") from None
    return decode(data, name)


def decode(data, name):
    """UTF-8 bytes as text, less a leading byte order mark; a LoadError on the line of the first bad byte."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reason = f"the file is not UTF-8 text (byte 0x{data[error.start]:02X} cannot be read)"
        raise LoadError(name, line, reason) from None


def read_csv(path, name, columns):
    """(line number, row) for each data row, a row being a dict of the header's columns to stripped values.

    The header must name every one of ``columns`` (it may have more), each once; every row must have a
    field for each column, and no control characters; blank lines are skipped.
    """
    return parse_csv(read_text(path, name), name, columns)


def parse_csv(text, name, columns, *, errors=None):
    """read_csv() for text already read. With an ``errors`` list, a row that fails its checks (see
    row_values()) goes into the list as a LoadError and the rest are still read; without one, it stops the
    reading."""
    if not text.strip():
        raise LoadError(name, 1, "the file is empty")
    if not text.endswith(("\n", "\r")):
        raise LoadError(name, text.count("\n") + 1, TRUNCATED)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, start = [], 1
    try:
        header = [column.strip() for column in next(reader)]
        start = reader.line_num + 1
        check_header(name, header, columns)
        for fields in reader:
            line, start = reader.line_num, reader.line_num + 1
            if not fields:
                continue
            try:
                rows.append((line, row_values(header, fields)))
            except ValueError as error:
                if errors is None:
                    raise LoadError(name, line, str(error)) from None
                errors.append(LoadError(name, line, str(error)))
    except csv.Error as error:
        if str(error) == "unexpected end of data":
            raise LoadError(name, start, "a quoted field starts on this row and is never closed") from None
        raise LoadError(name, reader.line_num, f"this is not valid CSV: {error}") from None
    return rows


def row_values(header, fields):
    """A row's fields as a dict of the header's columns to stripped values: a ValueError if it has more or
    fewer fields than the header, or a control character in any of them."""
    if len(fields) != len(header):
        raise ValueError(f"this row has {len(fields)} fields where the header has {len(header)}")
    values = dict(zip(header, (field.strip() for field in fields), strict=True))
    for column, value in values.items():
        check_text(value, column)
    return values


def check_header(name, header, columns):
    for index, column in enumerate(header):
        if column in header[:index]:
            raise LoadError(name, 1, f"the column {column!r} appears twice")
        try:
            check_text(column, "header")
        except ValueError as error:
            raise LoadError(name, 1, str(error)) from None
    missing = set(columns) - set(header)
    if missing:
        raise LoadError(name, 1, f"missing column(s): {', '.join(sorted(missing))}")


def read_toml(path, name):
    try:
        return tomllib.loads(read_text(path, name))
    except tomllib.TOMLDecodeError as error:
        # "Invalid value (at line 5, column 9)": the line goes before the reason, like every other message.
        found = re.fullmatch(r"(?s)(.*) \(at line (\d+), column (\d+)\)", str(error))
        if found:
            raise LoadError(name, int(found[2]), f"{found[1]} (column {found[3]})") from None
        raise LoadError(name, getattr(error, "lineno", 0), str(error)) from None


KINDS = [
    (bool, "true or false"),
    (str, "a string"),
    (int, "a whole number"),
    (float, "a number"),
    (dict, "a table"),
    (list, "a list"),
    (datetime.datetime, "a date and time"),
    (datetime.date, "a date"),
    (datetime.time, "a time"),
]


def kind(value):
    """What a TOML value is, in words."""
    return next((words for type_, words in KINDS if isinstance(value, type_)), type(value).__name__)


def tables(file, header, where, value, keys):
    """A TOML array of tables (``[[assessments]]``) as a list of Table, each checked for unknown keys."""
    if not isinstance(value, list):
        raise LoadError(file, where, f"must be a list of tables, written [[{header}]], not {kind(value)}")
    return [Table(file, header, f"{where}[{index}]", item, keys) for index, item in enumerate(value, 1)]


class Table:
    """One table of a TOML file, named in messages by its position, as in ``assessments[1].pillars[2]``.

    Its values are read by type: a value of another type, a missing required key or a key the loader does
    not know (a misspelling would otherwise be skipped without a word) is a LoadError.
    """

    def __init__(self, file, header, where, data, keys):
        self.file, self.header, self.where = file, header, where
        if not isinstance(data, dict):
            raise self.error(f"must be a table, not {kind(data)}")
        unknown = [key for key in data if key not in keys]
        if unknown:
            raise self.error(f"unknown key {unknown[0]!r}")
        self.data = data

    def __contains__(self, key):
        return key in self.data

    def error(self, reason):
        return LoadError(self.file, self.where, reason)

    def _get(self, key, types, words, required):
        if key not in self.data:
            if required:
                raise self.error(f"missing required key {key!r}")
            return None
        value, types = self.data[key], types if isinstance(types, tuple) else (types,)
        wrong_date = datetime.date in types and isinstance(value, datetime.datetime)
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types) or wrong_date:
            raise self.error(f"{key}: must be {words}, not {kind(value)}")
        return value

    def text(self, key, *, required=True, default=""):
        """A string, stripped, which may run over several lines but has no other control characters."""
        value = self._get(key, str, "a string", required)
        if value is None:
            return default
        try:
            return check_text(value, key, allowed="\n\t").strip()
        except ValueError as error:
            raise self.error(str(error)) from None

    def integer(self, key):
        return self._get(key, int, "a whole number", True)

    def number(self, key, *, required=True):
        value = self._get(key, (int, float), "a number", required)
        if value is None:
            return None
        try:
            return decimal(value, key)
        except ValueError as error:
            raise self.error(str(error)) from None

    def date(self, key):
        """A TOML date (2016-11-03), or None when the key is absent."""
        return self._get(key, datetime.date, "a date", False)

    def tables(self, key, keys):
        return tables(self.file, f"{self.header}.{key}", f"{self.where}.{key}", self.data.get(key, []), keys)
