"""A Redis cache that misses, instead of failing the page, while Redis is unreachable."""
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY = 10.0


class ForgivingRedisCache(RedisCache):
    """Django's ``RedisCache`` whose reads miss and writes are skipped on a Redis error.

    Everything cached here can be recomputed (feed sessions restart from page one), so a Redis
    outage costs speed, not pages. Errors are logged at most once every ``LOG_EVERY`` seconds.
    """

    _last_logged = 0.0

    def _forgive(self, operation, fallback, *args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except RedisError as error:
            now = time.monotonic()
            if now - ForgivingRedisCache._last_logged > LOG_EVERY:
                ForgivingRedisCache._last_logged = now
                logger.warning("Cache unavailable (%s); serving without it", error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._forgive(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._forgive(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._forgive(super().has_key, False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(super().add, False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(super().set_many, list(data), data, timeout, version)

    def incr(self, key, delta=1, version=None):
        """A counter (rate limits) reads 0 while Redis is down: limits open rather than fail the page."""
        return self._forgive(super().incr, 0, key, delta, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._forgive(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._forgive(super().delete_many, None, keys, version)

    def clear(self):
        return self._forgive(super().clear, False)
