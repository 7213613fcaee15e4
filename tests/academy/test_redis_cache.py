"""The Redis cache backend keeps one redis client per connection pool
(academy.core.rediscache): Django's made one per cache call."""

import uuid

from academy.core.rediscache import RedisCache
from tests.worker import require_broker


def _cache(location: str) -> RedisCache:
    return RedisCache(location, {"TIMEOUT": 60})


def test_every_call_shares_one_client_per_pool():
    # No server is needed: a client connects only when it runs a command.
    cache = _cache("redis://127.0.0.1:9/0")
    client = cache._cache.get_client("key")

    assert cache._cache.get_client("other") is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool
    assert client.connection_pool is cache._cache._get_connection_pool(False)


def test_replicas_have_a_client_each():
    cache = _cache("redis://127.0.0.1:9/0,redis://127.0.0.1:9/1")
    primary = cache._cache.get_client(write=True)
    replica = cache._cache.get_client()

    assert replica is not primary
    assert cache._cache.get_client() is replica
    assert cache._cache.get_client(write=True) is primary


def test_cache_calls_work_against_redis():
    cache = _cache(require_broker())
    key = f"test-rediscache-{uuid.uuid4().hex}"
    try:
        assert cache.get(key) is None
        cache.set(key, {"a": 1})
        assert cache.get(key) == {"a": 1}
        assert cache.add(key, "other") is False
        cache.set_many({key + "-n": 1, key + "-m": 2})
        assert cache.incr(key + "-n") == 2
        assert cache.get_many([key + "-n", key + "-m"]) == {
            key + "-n": 2,
            key + "-m": 2,
        }
        cache.delete_many([key, key + "-n", key + "-m"])
        assert cache.get(key) is None
    finally:
        cache.delete_many([key, key + "-n", key + "-m"])
        cache.close()
