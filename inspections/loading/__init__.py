"""Loading the published PEEL facts (and the demo narrative) into the database.

The load is one transaction and safe to run again: each row is matched on its natural key (a force's slug,
a year's slug, a force and year, ...), created when missing, changed only where the data says something
different, and left alone otherwise. Every row is checked as the admin would check it before it is saved.
Anything wrong in a file, from a bad value to a file cut short, stops everything with ``file:line: reason``
and the database is left as it was.

Only the fields the data speaks for are written, so a later run does not undo an editor's work on other
fields, and content is published when it is first created but its publication state is never changed again.

- ``files``: reading CSV and TOML files, and what makes a file unreadable as a whole
- ``values``: checks and conversions for single values (numbers, dates, web addresses, text)
- ``store``: existing rows by natural key, the checks before saving, and the count of what changed
- ``loader``: the Loader and the CSV files of published facts
- ``narrative``: the demo narrative in data/demo/*.toml
"""

from .loader import DATA_DIR, Loader
from .store import LoadError, Tally
from .values import short_name

__all__ = ["DATA_DIR", "LoadError", "Loader", "Tally", "short_name"]
