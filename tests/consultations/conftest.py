import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Each test starts with no responses counted against its client's address."""
    from django.core.cache import cache

    cache.clear()
