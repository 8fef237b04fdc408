"""Send job events to a user's channel-layer group from any thread or process.

Two traps are avoided here. The in-memory channel layer (embedded mode) must only be used
from the server's own event loop, so events from job threads are scheduled onto that loop.
With channels_redis 4, ``async_to_sync(group_send)`` inside a Celery task creates a fresh
event loop per call and fails with "Event loop is closed" once the pooled connection outlives
its loop, so outside a server every send goes through one long-lived loop in a daemon thread.

An event is a nicety, the job row is the truth: a send never holds a request (fire and
forget), waits at most ``SEND_TIMEOUT`` in a worker, and while the channel layer is down
(Redis outage) events are dropped for ``OUTAGE_PAUSE`` seconds after each failure, with a log
line, so jobs keep their pace.
"""
import asyncio
import concurrent.futures
import logging
import threading
import time

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

_server_loop = None
_own_loop = None
_own_loop_lock = threading.Lock()
SEND_TIMEOUT = 1.0
OUTAGE_PAUSE = 5.0
_paused_until = 0.0


def user_group(user_id):
    """The channel-layer group that receives every job event of one user."""
    return f"jobs.user.{user_id}"


def remember_server_loop(app):
    """Wrap an ASGI app so the server's event loop is known to job threads."""

    async def wrapper(scope, receive, send):
        global _server_loop
        _server_loop = asyncio.get_running_loop()
        return await app(scope, receive, send)

    return wrapper


def _background_loop():
    global _own_loop
    with _own_loop_lock:
        if _own_loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="motif-broadcast", daemon=True).start()
            _own_loop = loop
    return _own_loop


def _target_loop():
    if _server_loop is not None and _server_loop.is_running():
        return _server_loop
    return _background_loop()


def _note_failure(user_id, error):
    """Log a failed send and pause sending for ``OUTAGE_PAUSE`` seconds."""
    global _paused_until
    _paused_until = time.monotonic() + OUTAGE_PAUSE
    logger.warning("Could not deliver a job event to user %s (%s); events pause for %.0f s",
                   user_id, error.__class__.__name__ if error else "timeout", OUTAGE_PAUSE)


def _log_outcome(user_id):
    def done(future):
        if future.cancelled():
            return
        if future.exception() is not None:
            _note_failure(user_id, future.exception())

    return done


def send_job_event(user_id, job_event, wait=True):
    """Send ``{"type": "job.update", "job": job_event}`` to the user's group, in order.

    ``wait=False`` (request threads) returns at once; otherwise the call waits at most
    ``SEND_TIMEOUT`` seconds. Failures are logged, never raised.
    """
    layer = get_channel_layer()
    if layer is None or time.monotonic() < _paused_until:
        return
    message = {"type": "job.update", "job": job_event}
    loop = _target_loop()
    coro = layer.group_send(user_group(user_id), message)
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        loop.create_task(coro)
        return
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    if not wait:
        future.add_done_callback(_log_outcome(user_id))
        return
    try:
        future.result(timeout=SEND_TIMEOUT)
    except concurrent.futures.TimeoutError:
        future.cancel()
        _note_failure(user_id, None)
    except Exception as error:
        _note_failure(user_id, error)
