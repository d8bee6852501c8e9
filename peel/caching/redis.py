"""Django's own Redis cache, keeping its redis-py clients.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object around its connection pool for every cache
call. Building one costs more than the round trip to Redis itself, and a page served from the cache is little
more than that round trip. A ``redis.Redis`` client is safe to share between threads (each command borrows a
connection from the pool), so this keeps one per pool and changes nothing else.
"""

from django.core.cache.backends import redis


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
