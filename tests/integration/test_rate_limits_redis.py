"""Distributed mode: the rate counters live in Redis, shared by every process and exact under
concurrency (the per-IP form limits and the API throttles use the same counters)."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from motif.ratelimits import hit
from tests.conftest import require
from tests.integration import stack

pytestmark = pytest.mark.integration


def test_concurrent_hits_on_a_redis_cache_admit_exactly_the_rate(settings):
    require(stack.redis_available(), f"Redis is not reachable at {stack.REDIS_TEST_URL}")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": stack.REDIS_TEST_URL}}
    settings.MOTIF_THROTTLE_RATES = {**settings.MOTIF_THROTTLE_RATES, "signup": "50/d"}
    client = f"203.0.113.7-{uuid.uuid4()}"  # a fresh count, whatever else is in this Redis
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: hit("signup", client), range(200)))
    admitted = [r for r in results if r is None]
    assert len(admitted) == 50
    assert all(0 < r <= 86400 for r in results if r is not None)
    assert hit("signup", f"{client}-other") is None  # another address has its own count
