"""Send job events to a user's channel-layer group from any thread or process.

Two traps are avoided here. The in-memory channel layer (embedded mode) must only be used
from the server's own event loop, so events from job threads are scheduled onto that loop.
With channels_redis 4, ``async_to_sync(group_send)`` inside a Celery task creates a fresh
event loop per call and fails with "Event loop is closed" once the pooled connection outlives
its loop, so outside a server every send goes through one long-lived loop in a daemon thread.
"""
import asyncio
import logging
import threading

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

_server_loop = None
_own_loop = None
_own_loop_lock = threading.Lock()
SEND_TIMEOUT = 5.0


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


def send_job_event(user_id, job_event):
    """Send ``{"type": "job.update", "job": job_event}`` to the user's group, in order."""
    layer = get_channel_layer()
    if layer is None:
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
    try:
        future.result(timeout=SEND_TIMEOUT)
    except Exception:
        logger.warning("Could not deliver a job event to user %s", user_id, exc_info=True)
