"""A pytest plugin loaded before Django's settings (see pyproject.toml): tests need no production secrets."""

import os

os.environ.setdefault("DJANGO_LOCAL", "true")
