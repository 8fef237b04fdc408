"""Run one job: claim it, call its handler, record the outcome exactly once."""
import logging
import time
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone, translation

from jobs import progress
from jobs.broadcast import send_job_event
from jobs.current import model_calls_noted, running
from jobs.db import with_reconnect
from jobs.errors import JobCancelled, JobTimedOut, UserError, timed_out_message, worker_lost_message
from jobs.heartbeat import Heartbeat
from jobs.loaded_models import process_name
from jobs.messages import translatable as _
from jobs.models import Job
from jobs.ops import publish_loaded_models
from jobs.registry import get_handler
from jobs.usage import charge_run_time

logger = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What a handler receives: the job row, its parameters and a progress reporter."""

    job: Job

    @property
    def params(self):
        return self.job.params

    def report(self, percent, message=""):
        """Report progress; raises ``JobCancelled`` if the user cancelled the job."""
        progress.report(self.job, percent, message)


def _claim(job_id, token):
    """Move the job to running and return it (its owner loaded), or return None when there is
    nothing to run.

    A message whose ``token`` is not the row's current dispatch token is stale (the job was
    dispatched again since) or a duplicate, and is dropped. ``token=None`` skips that check
    (a direct call, e.g. from a test or a command).
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.status in Job.TERMINAL:
            return None
        if token is not None and token != job.dispatch_token:
            logger.info("Dropped a stale message for job %s", job_id)
            return None
        if job.status == Job.Status.RUNNING and job.attempts >= settings.MOTIF_JOB_MAX_ATTEMPTS:
            job.status = Job.Status.FAILED
            job.error = worker_lost_message()
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at", "updated_at"])
            send_job_event(job.owner_id, job.to_event())
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.progress = 0
        job.message = _("Started") if job.attempts == 1 else _("Restarted after a worker stopped")
        job.started_at = job.heartbeat_at = timezone.now()
        job.worker = process_name()
        job.save(update_fields=["status", "attempts", "progress", "message", "started_at", "heartbeat_at",
                                "worker", "updated_at"])
    job.message = Job._meta.get_field("message").get_prep_value(job.message)
    return job


def _finish(job, **fields):
    """Record a terminal state unless the job was cancelled or claimed again meanwhile.

    The write survives a dropped database connection; if it still fails the job stays
    running with a silent heartbeat, and the reaper re-runs or fails it.
    """
    fields.setdefault("finished_at", timezone.now())
    fields.setdefault("updated_at", fields["finished_at"])
    progress.forget(job.pk)
    mine = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)
    try:
        done = with_reconnect(mine.update, **fields)
        if done:
            for name, value in fields.items():
                setattr(job, name, Job._meta.get_field(name).get_prep_value(value))
        else:
            with_reconnect(job.refresh_from_db)
    except DatabaseError:
        logger.exception("The outcome of job %s could not be recorded; the reaper will see to it", job.pk)
        return
    if done or job.status == Job.Status.CANCELLED:
        send_job_event(job.owner_id, job.to_event())


def execute(job_id, token=None):
    """Run the job ``job_id`` to a terminal state, writing its messages in the requester's language.
    Safe to call again for the same job; ``token`` is the dispatch token its message carries."""
    job = with_reconnect(_claim, job_id, token)
    if job is None:
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        send_job_event(job.owner_id, job.to_event())
        progress.started(job.pk)
        with Heartbeat(job), running(job):
            _run_handler(job)
    publish_loaded_models()


def _run_handler(job):
    started = time.monotonic()
    try:
        _run_to_outcome(job)
    finally:
        _charge(job, time.monotonic() - started)


def _charge(job, seconds):
    """Charge the run's time to its owner unless its model calls did (``charge_run_time``); the
    device column of such a charge names the job's queue. A failure is logged, never the job's."""
    if model_calls_noted():
        return
    try:
        with_reconnect(charge_run_time, job, seconds, device=job.queue)
    except Exception:
        logger.exception("The run time of job %s could not be charged", job.pk)


def _run_to_outcome(job):
    try:
        handler = get_handler(job.kind)
        result = handler.func(JobContext(job))
    except JobCancelled:
        _finish(job)
    except UserError as exc:
        _finish(job, status=Job.Status.FAILED, error=str(exc))
    except (SoftTimeLimitExceeded, JobTimedOut):
        _finish(job, status=Job.Status.FAILED, error=timed_out_message())
    except Exception:
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        _finish(
            job,
            status=Job.Status.FAILED,
            error=_("Something went wrong while running this job. It has been logged; please try again."),
        )
    else:
        _finish(job, status=Job.Status.SUCCEEDED, progress=100, message=_("Done"), result=result)


def execute_in_thread(job_id, token=None):
    """``execute`` for a pool thread. The thread keeps its database connection from job to job, as
    a server thread does from request to request: one past ``CONN_MAX_AGE`` or broken is replaced."""
    close_old_connections()
    try:
        execute(job_id, token)
    except Exception:
        logger.exception("Job %s could not be run", job_id)
    finally:
        close_old_connections()
