"""``report``: the one way a running job tells the world how far it is.

Reports are written at most once every ``MIN_INTERVAL`` seconds per job, the job's claim counting
as its first. One made sooner is kept, the latest winning, and written by the process's timer
thread once the interval is over (``jobs.heartbeat.call_while_running``), unless the job has
finished by then: a job done within its first interval writes no progress row and sends no
progress event, and a long one still shows its latest report within ``MIN_INTERVAL``. A kept-back
report gets one try (it is best-effort, and the job's end waits for it): one the database refuses
is dropped with a log line, where a report made in the job's own thread is retried.
"""
import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from jobs.broadcast import send_job_event
from jobs.db import ATTEMPTS, with_reconnect
from jobs.errors import JobCancelled, JobTimedOut
from jobs.heartbeat import call_while_running
from jobs.messages import Message
from jobs.models import Job
from jobs.timers import timers

logger = logging.getLogger(__name__)

MIN_INTERVAL = 0.2
_last_report: dict[str, float] = {}
_pending: dict[str, tuple] = {}
_cancelled: set[str] = set()
_job_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def past_soft_time_limit(job, now=None):
    """True once ``job`` (a Job) has run longer than ``MOTIF_JOB_SOFT_TIME_LIMIT`` seconds."""
    if job.started_at is None:
        return False
    return (now or timezone.now()) - job.started_at > timedelta(seconds=settings.MOTIF_JOB_SOFT_TIME_LIMIT)


def _lock_of(job_id):
    with _locks_lock:
        return _job_locks.setdefault(job_id, threading.Lock())


def started(job_id):
    """The job was just claimed (which showed it at 0 %): its first interval starts now."""
    _last_report[str(job_id)] = time.monotonic()


def report(job, percent, message="", force=False):
    """Record ``percent`` (0-100) and ``message`` for a running job and push it to its owner.

    ``job`` is a Job or its id. Writes are throttled to one every ``MIN_INTERVAL`` seconds per job
    unless ``force`` (see the module's docs for what becomes of a report made sooner), and survive a
    dropped database connection. Raises ``JobCancelled`` when the job is no longer running (the user
    cancelled it), which is how handlers learn to stop, and ``JobTimedOut`` past the soft time
    limit: the same limit as Celery's, enforced cooperatively where Celery does not run the job
    (embedded mode).
    """
    if isinstance(job, Job) and past_soft_time_limit(job):
        raise JobTimedOut(str(job.pk))
    job_id = str(job.pk if isinstance(job, Job) else job)
    percent = max(0, min(100, int(percent)))
    message = message if isinstance(message, Message) else str(message)[:255]
    with _lock_of(job_id):
        if job_id in _cancelled:
            _cancelled.discard(job_id)
            raise JobCancelled(job_id)
        now = time.monotonic()
        due = _last_report.get(job_id, float("-inf")) + MIN_INTERVAL
        if not force and now < due:
            first = job_id not in _pending
            _pending[job_id] = (job, percent, message)
            if first and not call_while_running(job_id, ("progress", job_id), due, lambda: flush(job_id)):
                del _pending[job_id]
            return
        _pending.pop(job_id, None)
        _last_report[job_id] = now
        _write(job, job_id, percent, message)


def flush(job_id):
    """Write the report ``job_id`` kept back, if any (the timer thread's call). A job found no
    longer running is remembered, so that its next ``report`` raises ``JobCancelled``."""
    job_id = str(job_id)
    with _lock_of(job_id):
        if job_id not in _pending:
            return
        job, percent, message = _pending.pop(job_id)
        _last_report[job_id] = time.monotonic()
        try:
            _write(job, job_id, percent, message, tries=1)
        except JobCancelled:
            _cancelled.add(job_id)
        except DatabaseError:
            logger.warning("A progress report of job %s could not be written", job_id, exc_info=True)


def _write(job, job_id, percent, message, tries=ATTEMPTS):
    moment = timezone.now()
    updated = with_reconnect(
        Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update,
        progress=percent, message=message, updated_at=moment, heartbeat_at=moment, tries=tries,
    )
    if not updated:
        _last_report.pop(job_id, None)
        raise JobCancelled(job_id)
    if isinstance(job, Job):
        job.progress, job.message = percent, message
    else:
        job = Job.objects.get(pk=job_id)
    send_job_event(job.owner_id, job.to_event())


def forget(job_id):
    """Drop the throttle state and any kept-back report of a finished job (waiting for a write of
    it in progress, so that no progress event follows its outcome's)."""
    job_id = str(job_id)
    timers.cancel(("progress", job_id))
    with _lock_of(job_id):
        _pending.pop(job_id, None)
        _last_report.pop(job_id, None)
        _cancelled.discard(job_id)
    with _locks_lock:
        _job_locks.pop(job_id, None)
