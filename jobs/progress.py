"""``report``: the one way a running job tells the world how far it is."""
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from jobs.broadcast import send_job_event
from jobs.db import with_reconnect
from jobs.errors import JobCancelled, JobTimedOut
from jobs.messages import Message
from jobs.models import Job

MIN_INTERVAL = 0.2
_last_report: dict[str, float] = {}


def past_soft_time_limit(job, now=None):
    """True once ``job`` (a Job) has run longer than ``MOTIF_JOB_SOFT_TIME_LIMIT`` seconds."""
    if job.started_at is None:
        return False
    return (now or timezone.now()) - job.started_at > timedelta(seconds=settings.MOTIF_JOB_SOFT_TIME_LIMIT)


def report(job, percent, message="", force=False):
    """Record ``percent`` (0-100) and ``message`` for a running job and push it to its owner.

    ``job`` is a Job or its id. Updates are throttled to one every ``MIN_INTERVAL`` seconds
    per job unless ``force``, and survive a dropped database connection. Raises
    ``JobCancelled`` when the job is no longer running (the user cancelled it), which is how
    handlers learn to stop, and ``JobTimedOut`` past the soft time limit: the same limit as
    Celery's, enforced cooperatively where Celery does not run the job (embedded mode).
    """
    if isinstance(job, Job) and past_soft_time_limit(job):
        raise JobTimedOut(str(job.pk))
    job_id = str(job.pk if isinstance(job, Job) else job)
    now = time.monotonic()
    if not force and now - _last_report.get(job_id, 0.0) < MIN_INTERVAL:
        return
    _last_report[job_id] = now
    percent = max(0, min(100, int(percent)))
    message = message if isinstance(message, Message) else str(message)[:255]
    moment = timezone.now()
    updated = with_reconnect(
        Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update,
        progress=percent, message=message, updated_at=moment, heartbeat_at=moment,
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
    """Drop the throttle state of a finished job."""
    _last_report.pop(str(job_id), None)
