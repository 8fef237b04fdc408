"""What views and commands call to create, cancel and tidy up jobs."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs.broadcast import send_job_event
from jobs.dispatch import dispatch
from jobs.errors import TooManyActiveJobs
from jobs.models import Job
from jobs.registry import get_handler


class NotCancellable(Exception):
    """The job has already finished; the message says how."""


def submit_job(user, kind, params=None):
    """Create a queued job of ``kind`` for ``user`` and start it once the row is committed.

    Raises ``TooManyActiveJobs`` past ``MOTIF_MAX_ACTIVE_JOBS_PER_USER`` queued or running
    jobs, and ``UnknownJobKind`` for a kind nobody handles.
    """
    handler = get_handler(kind)
    limit = settings.MOTIF_MAX_ACTIVE_JOBS_PER_USER
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if Job.objects.filter(owner=user, status__in=Job.ACTIVE).count() >= limit:
            raise TooManyActiveJobs(limit)
        job = Job.objects.create(owner=user, kind=kind, params=params or {}, queue=handler.queue,
                                 language=translation.get_language() or "")
        if not settings.MOTIF_JOBS_EAGER:
            transaction.on_commit(lambda: _announce_and_dispatch(job))
    if settings.MOTIF_JOBS_EAGER:
        _announce_and_dispatch(job)
        job.refresh_from_db()
    return job


def _announce_and_dispatch(job):
    send_job_event(job.owner_id, job.to_event())
    dispatch(job)


def cancel_job(job):
    """Cancel a queued or running job; raises ``NotCancellable`` for a finished one."""
    updated = Job.objects.filter(pk=job.pk, status__in=Job.ACTIVE).update(
        status=Job.Status.CANCELLED, message=_("Cancelled"), finished_at=timezone.now()
    )
    job.refresh_from_db()
    if not updated:
        raise NotCancellable(
            _("This job has already finished (%(status)s), so there is nothing to cancel.")
            % {"status": job.get_status_display().lower()}
        )
    send_job_event(job.owner_id, job.to_event())
    return job


def fail_jobs(queryset, error):
    """Mark the given active jobs failed with ``error`` and tell their owners."""
    failed = 0
    for job in queryset.filter(status__in=Job.ACTIVE):
        updated = Job.objects.filter(pk=job.pk, status=job.status).update(
            status=Job.Status.FAILED, error=error, finished_at=timezone.now()
        )
        if updated:
            failed += 1
            job.refresh_from_db()
            send_job_event(job.owner_id, job.to_event())
    return failed


def recover_orphaned_jobs():
    """Embedded mode: jobs left queued or running by a previous server process failed."""
    return fail_jobs(
        Job.objects.all(),
        _("The server restarted before this job finished. Please run it again."),
    )


def reap_stale_jobs(now=None):
    """Fail running jobs that have reported nothing for longer than the hard time limit."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.MOTIF_JOB_HARD_TIME_LIMIT + 300)
    return fail_jobs(
        Job.objects.filter(status=Job.Status.RUNNING, updated_at__lt=cutoff),
        _("This job stopped reporting progress and was given up. Please run it again."),
    )
