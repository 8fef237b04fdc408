"""A running job's sign of life, so the reaper can tell a live job from one whose worker died."""
import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone, translation

from jobs.broadcast import send_job_event
from jobs.errors import timed_out_message
from jobs.models import Job
from jobs.timers import timers

logger = logging.getLogger(__name__)
_running = {}
_lock = threading.Lock()


class Heartbeat:
    """While the block runs, stamp the job's ``heartbeat_at`` every ``MOTIF_JOB_HEARTBEAT_SECONDS``,
    on the process's timer thread (``jobs.timers``: one thread for every running job).

    Past the hard time limit the row is failed with the time-out sentence: where Celery does
    not enforce the limit (embedded mode) a handler that never reports still ends for its user,
    and anything it writes later is ignored.
    """

    def __init__(self, job):
        self.job = job
        self._key = ("heartbeat", str(job.pk))
        self._stopped = False

    def __enter__(self):
        with _lock:
            _running[str(self.job.pk)] = self
        timers.call_at(self._key, time.monotonic() + settings.MOTIF_JOB_HEARTBEAT_SECONDS, self._tick)
        return self

    def __exit__(self, *exc_info):
        self._stopped = True
        timers.cancel(self._key)
        with _lock:
            if _running.get(str(self.job.pk)) is self:
                del _running[str(self.job.pk)]

    def _tick(self):
        self.beat()
        return None if self._stopped else time.monotonic() + settings.MOTIF_JOB_HEARTBEAT_SECONDS

    def beat(self, now=None):
        """One heartbeat (or the time-out, past the hard limit); database errors are logged and skipped."""
        now = now or timezone.now()
        mine = Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING, attempts=self.job.attempts)
        try:
            if now - self.job.started_at > timedelta(seconds=settings.MOTIF_JOB_HARD_TIME_LIMIT):
                self._time_out(mine, now)
            else:
                mine.update(heartbeat_at=now)
        except DatabaseError:
            logger.warning("Heartbeat of job %s could not be written", self.job.pk, exc_info=True)
            connection.close()

    def _time_out(self, mine, now):
        with translation.override(self.job.language or settings.LANGUAGE_CODE):
            error = timed_out_message()
        if mine.update(status=Job.Status.FAILED, error=error, finished_at=now):
            logger.warning("Job %s ran past its hard time limit and was failed", self.job.pk)
            self._stopped = True
            failed = Job.objects.get(pk=self.job.pk)
            send_job_event(failed.owner_id, failed.to_event())


def call_while_running(job_id, key, when, callback):
    """Have the timer thread call ``callback()`` at ``when`` under ``key``, if the job ``job_id`` runs
    in this process under a :class:`Heartbeat`. Returns False, scheduling nothing, for a job that
    does not."""
    with _lock:
        if str(job_id) not in _running:
            return False
        timers.call_at(key, when, callback)
        return True
