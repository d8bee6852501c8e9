"""Importing pillar and question grades from a CSV or Excel file in the admin, as drafts.

The file has the columns of data/peel_judgments.csv and its rows are checked exactly as the loader checks
that file. Staff see what the file would create, change or leave alone before anything is saved, then
confirm, and everything is saved in one transaction or nothing is.

- ``reading``: the uploaded file, CSV or XLSX, and what makes it unreadable as a whole
- ``plan``: each row checked against the database and saved as a draft (or, for a dry run, not saved)
- ``views``: the admin pages and the signed token that carries checked rows to the confirming request
"""

from .views import admin_urls, can_import

__all__ = ["admin_urls", "can_import"]
