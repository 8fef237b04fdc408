"""``report``: the one way a running job tells the world how far it is."""
import time

from django.utils import timezone

from jobs.broadcast import send_job_event
from jobs.errors import JobCancelled
from jobs.models import Job

MIN_INTERVAL = 0.2
_last_report: dict[str, float] = {}


def report(job, percent, message="", force=False):
    """Record ``percent`` (0-100) and ``message`` for a running job and push it to its owner.

    ``job`` is a Job or its id. Updates are throttled to one every ``MIN_INTERVAL`` seconds
    per job unless ``force``. Raises ``JobCancelled`` when the job is no longer running
    (the user cancelled it), which is how handlers learn to stop.
    """
    job_id = str(job.pk if isinstance(job, Job) else job)
    now = time.monotonic()
    if not force and now - _last_report.get(job_id, 0.0) < MIN_INTERVAL:
        return
    _last_report[job_id] = now
    percent = max(0, min(100, int(percent)))
    message = str(message)[:255]
    updated = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        progress=percent, message=message, updated_at=timezone.now()
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
