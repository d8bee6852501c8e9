"""Django's own Redis cache, with two additions for the page cache.

* Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object around its connection pool for every cache
  call. Building one costs more than the round trip to Redis itself, and a page served from the cache is little
  more than that round trip. A ``redis.Redis`` client is safe to share between threads (each command borrows a
  connection from the pool), so this keeps one per pool.
* Publish and subscribe, on which ``peel.caching.nearby`` tells each process that the cached pages changed.
"""

import redis as redis_py
from django.core.cache.backends import redis


class Subscription(redis_py.client.PubSub):
    """A subscription that remembers whether it reconnected: redis-py subscribes again by itself, but whatever
    was published while the connection was down is lost, so the caller must stop trusting what it kept."""

    reconnected = False

    def on_connect(self, connection):
        self.reconnected = True
        super().on_connect(connection)


class RedisCacheClient(redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def publish(self, channel, message="changed"):
        self._cache.get_client(write=True).publish(self.make_key(channel), message)

    def subscribe(self, channel):
        """A new subscription to ``channel``, on its own connection; read it with ``get_message()``."""
        subscription = Subscription(connection_pool=self._cache.get_client(write=True).connection_pool)
        subscription.subscribe(self.make_key(channel))
        return subscription
