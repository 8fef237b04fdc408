"""What an embedded-mode server process does when it starts, however it is started.

``motif/asgi.py`` calls ``start_embedded`` on import, so ``make run``, the Dockerfile's plain
uvicorn command and ``uvicorn --lifespan off`` all get it, and no management command is needed.
"""
import logging
import threading

from django.conf import settings
from django.db import connections

from jobs import recovery, schedule

logger = logging.getLogger(__name__)

_started = False
_lock = threading.Lock()


def start_embedded():
    """Once per process: re-run interrupted jobs and dispatch queued ones, then run periodic work.

    Off when ``MOTIF_EMBEDDED_SCHEDULER`` is false (the test suite's in-process servers).
    """
    global _started
    with _lock:
        if _started or not settings.MOTIF_EMBEDDED_SCHEDULER:
            return
        _started = True
    threading.Thread(target=_recover_then_schedule, name="motif-startup", daemon=True).start()


def _recover_then_schedule():
    try:
        outcome = recovery.recover_after_restart()
        logger.info("Job recovery at start-up: %(interrupted)d to run again, %(dispatched)d dispatched", outcome)
    except Exception:
        logger.exception("Job recovery at start-up failed; the periodic sweep will retry")
    finally:
        connections.close_all()
    schedule.start_in_background(settings.MOTIF_PERIODIC_TASKS)
