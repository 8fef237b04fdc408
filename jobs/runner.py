"""Run one job: claim it, call its handler, record the outcome exactly once."""
import logging
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from jobs import progress
from jobs.broadcast import send_job_event
from jobs.errors import JobCancelled, UserError
from jobs.models import Job
from jobs.registry import get_handler

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


def _claim(job_id):
    """Move the job to running, or return None when there is nothing to run."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in Job.TERMINAL:
            return None
        if job.status == Job.Status.RUNNING and job.attempts >= settings.MOTIF_JOB_MAX_ATTEMPTS:
            job.status = Job.Status.FAILED
            job.error = _(
                "The worker running this job stopped unexpectedly, more than once. "
                "Please try again; if it keeps happening, tell the site operator."
            )
            job.finished_at = timezone.now()
            job.save()
            send_job_event(job.owner_id, job.to_event())
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.progress = 0
        job.message = _("Started") if job.attempts == 1 else _("Restarted after a worker stopped")
        job.started_at = timezone.now()
        job.save()
    send_job_event(job.owner_id, job.to_event())
    return job


def _finish(job, **fields):
    """Record a terminal state unless the job was cancelled or claimed again meanwhile."""
    fields.setdefault("finished_at", timezone.now())
    done = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(**fields)
    progress.forget(job.pk)
    job.refresh_from_db()
    if done or job.status == Job.Status.CANCELLED:
        send_job_event(job.owner_id, job.to_event())


def execute(job_id):
    """Run the job ``job_id`` to a terminal state, writing its messages in the requester's language.
    Safe to call again for the same job."""
    language = Job.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        _execute(job_id)


def _execute(job_id):
    job = _claim(job_id)
    if job is None:
        return
    try:
        handler = get_handler(job.kind)
        result = handler.func(JobContext(job))
    except JobCancelled:
        _finish(job)
    except UserError as exc:
        _finish(job, status=Job.Status.FAILED, error=str(exc))
    except SoftTimeLimitExceeded:
        _finish(job, status=Job.Status.FAILED, error=_("This job took too long and was stopped."))
    except Exception:
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        _finish(
            job,
            status=Job.Status.FAILED,
            error=_("Something went wrong while running this job. It has been logged; please try again."),
        )
    else:
        _finish(job, status=Job.Status.SUCCEEDED, progress=100, message=_("Done"), result=result)


def execute_in_thread(job_id):
    """``execute`` for a pool thread: the thread's database connection is closed afterwards."""
    close_old_connections()
    try:
        execute(job_id)
    except Exception:
        logger.exception("Job %s could not be run", job_id)
    finally:
        connection.close()
