"""What views and commands call to create and cancel jobs."""
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone, translation

from jobs import queue
from jobs.broadcast import send_job_event
from jobs.errors import TooManyActiveJobs
from jobs.messages import translatable as _
from jobs.models import Job
from jobs.quotas import check_quota
from jobs.registry import get_handler

logger = logging.getLogger(__name__)


class NotCancellable(Exception):
    """The job has already finished; the message says how."""


def submit_job(user, kind, params=None):
    """Create a queued job of ``kind`` for ``user``; once the row is committed, dispatch it.

    The row is the truth: if the broker is down the job waits in the outbox for the next
    sweep, and this call still succeeds.

    Raises ``TooManyActiveJobs`` past ``MOTIF_MAX_ACTIVE_JOBS_PER_USER`` queued or running
    jobs, ``ModelTimeQuotaSpent`` once the user's daily model time is used up (``jobs.quotas``),
    and ``UnknownJobKind`` for a kind nobody handles.
    """
    handler = get_handler(kind)
    limit = settings.MOTIF_MAX_ACTIVE_JOBS_PER_USER
    check_quota(user)  # a read: outside the transaction, which holds SQLite's one write lock
    with transaction.atomic():
        if connection.features.has_select_for_update:  # SQLite's IMMEDIATE transaction already serialises
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if Job.objects.filter(owner=user, status__in=Job.ACTIVE).count() >= limit:
            raise TooManyActiveJobs(limit)
        job = Job.objects.create(owner=user, kind=kind, params=params or {}, queue=handler.queue,
                                 language=translation.get_language() or "")
        if not settings.MOTIF_JOBS_EAGER:
            transaction.on_commit(lambda: _announce_and_dispatch(job))
    if settings.MOTIF_JOBS_EAGER:
        send_job_event(job.owner_id, job.to_event())
        queue.dispatch_now(job)
        job.refresh_from_db()
    return job


def _announce_and_dispatch(job):
    send_job_event(job.owner_id, job.to_event(), wait=False)
    dispatch_quietly()


def dispatch_quietly():
    """Dispatch waiting jobs from a request: a failure is logged and left to the periodic sweep."""
    try:
        queue.dispatch_queued()
    except Exception:
        logger.exception("Dispatching waiting jobs failed; the periodic sweep will retry")


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
    send_job_event(job.owner_id, job.to_event(), wait=False)
    dispatch_quietly()
    return job
