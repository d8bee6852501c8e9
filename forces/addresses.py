"""The addresses of forces' and assessments' pages, worked out once and kept.

A list of every force links each one to its page and to its assessment, and ``reverse()`` for each link costs
more than the rest of the row. An address depends only on the view, its arguments, the URLconf and the prefix
the site is served under, so it is kept under all four; it is forgotten when a test swaps the URLconf.
"""

import functools

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse


def address(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, from memory after the first time."""
    return _reverse(viewname, tuple(sorted(kwargs.items())), get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=8192)
def _reverse(viewname, kwargs, urlconf, prefix):
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))  # reverse() reads the same prefix itself


def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


setting_changed.connect(_forget, dispatch_uid="forces.addresses")
