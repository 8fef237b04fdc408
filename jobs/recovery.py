"""No job lost, none stuck: re-run what a dead worker or a restart interrupted, sweep the outbox.

Semantics match Celery's ``acks_late`` with ``reject_on_worker_lost``: a job whose runner died
runs again from the start (attempts + 1), up to ``MOTIF_JOB_MAX_ATTEMPTS``, then fails with a
sentence. Handlers are idempotent, so running one twice is safe.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation

from jobs import queue
from jobs.broadcast import send_job_event
from jobs.errors import worker_lost_message
from jobs.messages import translatable as _
from jobs.models import Job

logger = logging.getLogger(__name__)


def _requeue_or_fail(job, now):
    """Send one interrupted running job back to the outbox, or fail it at the attempt limit.
    The update only applies if the row has not moved (e.g. a heartbeat arrived) since it was read."""
    unchanged = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts,
                                   heartbeat_at=job.heartbeat_at)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if job.attempts >= settings.MOTIF_JOB_MAX_ATTEMPTS:
            changed = unchanged.update(status=Job.Status.FAILED, error=worker_lost_message(), finished_at=now)
        else:
            changed = unchanged.update(status=Job.Status.QUEUED, dispatched_at=None, dispatch_token="",
                                       message=_("Waiting to run again: its worker stopped"))
    if changed:
        job.refresh_from_db()
        logger.warning("Job %s (attempt %d) lost its worker: now %s", job.pk, job.attempts, job.status)
        send_job_event(job.owner_id, job.to_event())
    return changed


def reap_stale_jobs(now=None):
    """Re-run or fail running jobs whose heartbeat is older than ``MOTIF_JOB_STALE_SECONDS``."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.MOTIF_JOB_STALE_SECONDS)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)
    return sum(_requeue_or_fail(job, now) for job in Job.objects.filter(silent, status=Job.Status.RUNNING))


def recover_after_restart():
    """Embedded mode, at server start: nothing of this process runs yet, so every running job
    was interrupted (re-run it) and every dispatched one was lost with the old thread pool."""
    now = timezone.now()
    rerun = sum(_requeue_or_fail(job, now) for job in Job.objects.filter(status=Job.Status.RUNNING))
    Job.objects.filter(status=Job.Status.QUEUED, dispatched_at__isnull=False).update(dispatched_at=None)
    dispatched = queue.dispatch_queued()
    return {"interrupted": rerun, "dispatched": dispatched}


def sweep(now=None):
    """Periodic: reap dead workers' jobs, re-dispatch lost messages, empty the outbox."""
    return {
        "reaped": reap_stale_jobs(now),
        "redispatched": queue.redispatch_lost(now),
        "dispatched": queue.dispatch_queued(),
    }
