"""One timer thread per process for the small, timed writes of running jobs (heartbeats, deferred
progress reports), instead of a thread per job.

Plain Python. ``call_at(key, when, callback)`` runs ``callback()`` on the timer thread at ``when``
(``time.monotonic()`` seconds); a callback that returns a time is called again then, until
``cancel(key)``. Callbacks run one after the other, so each must be short; an exception is logged.
After a fork the child starts its own thread on first use.
"""
import logging
import os
import threading
import time

logger = logging.getLogger(__name__)

RUNNING = float("inf")


class Timers:
    """Callbacks keyed by any hashable; a key has at most one pending call."""

    def __init__(self, name="motif-timers"):
        self.name = name
        self._reset()

    def _reset(self):
        self._pid = os.getpid()
        self._cond = threading.Condition()
        self._due = {}
        self._thread = None

    def call_at(self, key, when, callback):
        """Call ``callback()`` at ``when``, replacing any call pending under ``key``."""
        if self._pid != os.getpid():
            self._reset()
        with self._cond:
            self._due[key] = (when, callback)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._cond.notify()

    def cancel(self, key):
        """Forget ``key``'s pending call (one that is running finishes, and is not repeated)."""
        with self._cond:
            self._due.pop(key, None)

    def pending(self):
        """The keys with a call pending or running."""
        with self._cond:
            return set(self._due)

    def _next(self):
        """Wait until calls are due; mark them running and return them."""
        with self._cond:
            while True:
                now = time.monotonic()
                ready = [(key, callback) for key, (when, callback) in self._due.items() if when <= now]
                if ready:
                    for key, callback in ready:
                        self._due[key] = (RUNNING, callback)
                    return ready
                soonest = min((when for when, _ in self._due.values()), default=RUNNING)
                self._cond.wait(None if soonest == RUNNING else soonest - now)

    def _run(self):
        while True:
            for key, callback in self._next():
                try:
                    again = callback()
                except Exception:
                    logger.exception("Timer %r failed", key)
                    again = None
                with self._cond:
                    if self._due.get(key) == (RUNNING, callback):
                        if again is None:
                            del self._due[key]
                        else:
                            self._due[key] = (again, callback)


timers = Timers()
