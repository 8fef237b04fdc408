"""Periodic work in embedded mode, from the same table beat uses (``MOTIF_PERIODIC_TASKS``).

Each entry ``(name, task, seconds)`` names a Celery task; beat sends it every ``seconds`` in
distributed mode (``CELERY_BEAT_SCHEDULE`` is built from the table), and here a thread of
the server process calls the same task function every ``seconds``. A slow entry (retraining)
never delays another (the reaper): each due entry runs in its own pool thread, and an entry
still running when it is due again is skipped that time.
"""
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from celery import current_app
from django.db import connections

logger = logging.getLogger(__name__)


class Scheduler:
    """Which entries are due, by a clock; the first run of each comes one interval after start."""

    def __init__(self, entries, clock=time.monotonic):
        self.entries = {name: (task, seconds) for name, task, seconds in entries}
        self.clock = clock
        start = clock()
        self.next_due = {name: start + seconds for name, (_, seconds) in self.entries.items()}

    def due(self):
        """The ``(name, task)`` pairs due now; each is then scheduled one interval later."""
        now = self.clock()
        due = []
        for name, (task, seconds) in self.entries.items():
            if self.next_due[name] <= now:
                due.append((name, task))
                self.next_due[name] += seconds
                if self.next_due[name] <= now:  # ticks were missed: run once, not once per interval
                    self.next_due[name] = now + seconds
        return due

    def seconds_to_next(self):
        """How long until the next entry is due."""
        return max(0.0, min(self.next_due.values(), default=60.0) - self.clock())


def run_task(name, task):
    """Call the Celery task ``task`` here, synchronously; errors are logged, never raised."""
    try:
        current_app.tasks[task]()
    except Exception:
        logger.exception("Periodic task %s (%s) failed", name, task)
    finally:
        connections.close_all()


def run_forever(scheduler, stop, run=run_task):
    """Run due entries until ``stop`` (an Event) is set, each at most once at a time."""
    running = {}
    with ThreadPoolExecutor(max_workers=max(1, len(scheduler.entries)), thread_name_prefix="motif-periodic") as pool:
        while not stop.is_set():
            for name, task in scheduler.due():
                if name in running and not running[name].done():
                    logger.warning("Periodic task %s is still running; skipped this time", name)
                    continue
                running[name] = pool.submit(run, name, task)
            stop.wait(scheduler.seconds_to_next())


def start_in_background(entries):
    """Start a daemon thread running ``entries``; returns the Event that stops it."""
    stop = threading.Event()
    scheduler = Scheduler(entries)
    threading.Thread(target=run_forever, args=(scheduler, stop), name="motif-scheduler", daemon=True).start()
    return stop
