"""Checks and conversions for single values read from the data files.

Each raises ValueError with the reason, which the loader reports with the file and line it came from.
"""

import datetime
import re
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from inspections.models import InspectionYear

NAME_SUFFIXES = (" Police Service", " Constabulary", " Police")
WEB_SCHEMES = ("http", "https")
SMALLEST_INTEGER_MAX = 32767  # the most a small integer column holds on every database

# The inspectorate's page for one force's assessment in one year, as in
# https://www.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/kent/
INSPECTORATE_HOST = "justiceinspectorates.gov.uk"
INSPECTORATE_PAGE = re.compile(
    r"/(?:hmic/|hmicfrs/)?peel-assessments/peel-(?P<year>\d{4}(?:-\d{2})?)/(?P<force>[a-z0-9-]+)/?"
)


def short_name(name):
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def check_text(text, field, *, allowed=""):
    """Refuse control characters (NUL, escape, ...) other than those ``allowed``, such as a Markdown text's newlines."""
    for character in text:
        if unicodedata.category(character) == "Cc" and character not in allowed:
            raise ValueError(f"{field}: contains the control character U+{ord(character):04X}, which is not allowed")
    return text


def number(value, what="question number"):
    """A whole number from 1 that a small integer column holds, written as digits (in a CSV) or in TOML."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be 1 or more, not {value}")
    if value > SMALLEST_INTEGER_MAX:
        raise ValueError(f"{what} must be {SMALLEST_INTEGER_MAX} or less, not {value}")
    return value


def decimal(value, field):
    """A finite number to two places: ``NaN`` and ``inf`` are refused, though Decimal would take them."""
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        result = Decimal(str(value))
        if not result.is_finite():
            raise InvalidOperation
        return result.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"{field}: must be a number, not {value!r}") from None


def date_or_month(text):
    """A date written 2016-03-02, or a month written 2016-02 (stored as its first day)."""
    try:
        if len(text) == 7:
            return datetime.date.fromisoformat(f"{text}-01"), InspectionYear.Precision.MONTH
        return datetime.date.fromisoformat(text), InspectionYear.Precision.DAY
    except ValueError:
        raise ValueError(f"published must be a date (2016-03-02) or a month (2016-02), not {text!r}") from None


def web_address(url, field):
    """An http:// or https:// address with a host, or nothing: never ``javascript:``, ``data:`` or the like."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    else:
        host = host if parts.scheme.lower() in WEB_SCHEMES else None
    if not host:
        raise ValueError(f"{field}: only http:// and https:// addresses with a host are accepted, not {url!r}")
    return url


def inspectorate_page(url, year_slug, force_slug):
    """The address of the inspectorate's page for this force and year, if ``url`` is it; otherwise None.

    The page is written several ways in the data (http or https, under /hmic/ or /hmicfrs/, with an empty query
    or without the final slash); it comes back as https, without the query and with the final slash.
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not (
        host == INSPECTORATE_HOST or host.endswith(f".{INSPECTORATE_HOST}")
    ):
        return None
    match = INSPECTORATE_PAGE.fullmatch(parts.path)
    if not match or match["force"] != force_slug or match["year"] not in (year_slug[:4], year_slug):
        return None
    return f"https://{host}{parts.path.removesuffix('/')}/"


def inspectorate_pages(rows):
    """For each (year slug, force slug) in the judgment rows, the inspectorate's page most of its rows cite.

    Where two pages are cited equally often, the one the file cites first is chosen.
    """
    counts = defaultdict(Counter)
    for _, row in rows:
        key = (row["year_slug"], row["force_slug"])
        page = inspectorate_page(row["source_url"], *key)
        if page:
            counts[key][page] += 1
    return {key: pages.most_common(1)[0][0] for key, pages in counts.items()}
