"""Database writes that survive a dropped connection (a restarted server, ``pg_terminate_backend``)."""
import logging
import time

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

ATTEMPTS = 4
FIRST_PAUSE = 0.5


def with_reconnect(write, *args, tries=ATTEMPTS, **kwargs):
    """Call ``write(*args, **kwargs)``; on a connection error close the connection and try again.

    Up to ``tries`` tries (not ``attempts``, a field of Job's that ``write`` may take) with pauses
    doubling from ``FIRST_PAUSE`` seconds; the last error is raised, the connection closed first so
    that the thread's next query opens a fresh one. Inside a transaction the connection cannot be
    replaced, so the write is only repeated.
    """
    pause = FIRST_PAUSE
    for attempt in range(1, tries + 1):
        try:
            return write(*args, **kwargs)
        except (OperationalError, InterfaceError):
            if not connection.in_atomic_block:
                connection.close()
            if attempt == tries:
                raise
            logger.warning("Database write failed (try %d of %d); reconnecting", attempt, tries, exc_info=True)
            time.sleep(pause)
            pause *= 2
