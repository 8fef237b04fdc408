"""Outages of Redis (channel layer, cache) cost events and cache hits, never a request."""
import asyncio
import time
from unittest import mock

import pytest

from jobs import broadcast
from motif.cache import ForgivingRedisCache
from tests.integration.stack import free_port


class HangingLayer:
    """A channel layer whose Redis never answers."""

    def __init__(self):
        self.sends = 0

    async def group_send(self, group, message):
        self.sends += 1
        await asyncio.sleep(30)


@pytest.fixture
def hanging_layer(monkeypatch):
    layer = HangingLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(broadcast, "_paused_until", 0.0)
    return layer


def test_a_worker_waits_at_most_the_send_timeout_then_events_pause(hanging_layer, caplog):
    started = time.monotonic()
    broadcast.send_job_event(1, {"id": "x"})
    assert time.monotonic() - started < broadcast.SEND_TIMEOUT + 0.5
    assert "events pause" in caplog.text
    broadcast.send_job_event(1, {"id": "x"})  # during the pause: dropped at once, no second wait
    assert hanging_layer.sends == 1


def test_a_request_never_waits_for_an_event(hanging_layer):
    started = time.monotonic()
    broadcast.send_job_event(1, {"id": "x"}, wait=False)
    assert time.monotonic() - started < 0.5


def test_the_cache_misses_instead_of_failing_while_redis_is_down():
    cache = ForgivingRedisCache(f"redis://127.0.0.1:{free_port()}/0",
                                {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    started = time.monotonic()
    assert cache.get("feed:state", {"page": 0}) == {"page": 0}
    assert cache.set("feed:state", {"page": 1}) is None
    assert cache.add("k", 1) is False and cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"] and cache.delete("k") is False
    assert cache.incr("motif:rate:jobs:1:0") == 0  # the throttles' counter: open, not a 500
    assert time.monotonic() - started < 5


def test_the_cache_still_works_when_redis_answers():
    cache = ForgivingRedisCache("redis://unused/0", {})
    with mock.patch("django.core.cache.backends.redis.RedisCache.get", return_value="hit") as get:
        assert cache.get("k", "default") == "hit"
    get.assert_called_once_with("k", "default", None)
