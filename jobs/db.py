"""Database writes that survive a dropped connection (a restarted server, ``pg_terminate_backend``)."""
import logging
import time

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

ATTEMPTS = 4
FIRST_PAUSE = 0.5


def with_reconnect(write, *args, **kwargs):
    """Call ``write(*args, **kwargs)``; on a connection error close the connection and try again.

    Up to ``ATTEMPTS`` tries with pauses doubling from ``FIRST_PAUSE`` seconds; the last
    error is raised. Inside a transaction the connection cannot be replaced, so the write is
    only repeated.
    """
    pause = FIRST_PAUSE
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return write(*args, **kwargs)
        except (OperationalError, InterfaceError):
            if attempt == ATTEMPTS:
                raise
            logger.warning("Database write failed (try %d of %d); reconnecting", attempt, ATTEMPTS, exc_info=True)
            if not connection.in_atomic_block:
                connection.close()
            time.sleep(pause)
            pause *= 2
