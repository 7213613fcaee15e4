"""Django's Redis cache backend, with one redis client per connection pool.

Django's RedisCacheClient makes a new `redis.Redis` for every cache call (get_client),
and redis-py builds a client's table of about 170 response callbacks in its
constructor: some 0.1 ms of CPU per call, more than the call itself. A signed-in
page makes six or seven cache calls (the session, the shared versions of the
reference caches and the dashboard, rate limits), so this was the largest single
cost of a learner's request after the templates (benchmarks.bench_requests).

A `redis.Redis` is meant to be long-lived and shared: it holds no connection of its
own, only the pool it takes one from for each command, so keeping one per pool
changes nothing else. Pools are Django's, made on first use, as before.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
