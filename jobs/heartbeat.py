"""A running job's sign of life, so the reaper can tell a live job from one whose worker died."""
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone, translation

from jobs.broadcast import send_job_event
from jobs.errors import timed_out_message
from jobs.models import Job

logger = logging.getLogger(__name__)


class Heartbeat:
    """While the block runs, stamp the job's ``heartbeat_at`` every ``MOTIF_JOB_HEARTBEAT_SECONDS``.

    Past the hard time limit the row is failed with the time-out sentence: where Celery does
    not enforce the limit (embedded mode) a handler that never reports still ends for its user,
    and anything it writes later is ignored.
    """

    def __init__(self, job):
        self.job = job
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"motif-heartbeat-{job.pk}", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    def _run(self):
        try:
            while not self._stop.wait(settings.MOTIF_JOB_HEARTBEAT_SECONDS):
                self.beat()
        finally:
            connection.close()

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
            self._stop.set()
            failed = Job.objects.get(pk=self.job.pk)
            send_job_event(failed.owner_id, failed.to_event())
