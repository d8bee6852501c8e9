"""A deployment check: a server with several processes needs one cache they share."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    if settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "Each process keeps its own cache: consultation rate limits are counted per process, and gunicorn "
            "switches the page cache off when it runs several workers.",
            hint="Set REDIS_URL to a Redis server every process can reach.",
            id="peel.W001",
        )
    ]
