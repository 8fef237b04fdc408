"""The database is the queue: move queued job rows to their runner, fairly, at most once each.

A job row is committed as QUEUED with no ``dispatched_at`` (the outbox). ``dispatch_queued``
hands such rows to the runner of their mode (the embedded thread pool or a Celery message),
keeping at most ``MOTIF_DISPATCH_AHEAD`` dispatched-but-unfinished jobs per queue and picking
the owner with the fewest jobs in flight, then the one served least recently, then the oldest
job. So one user's backlog, or fifty throwaway accounts' backlogs, never stands in a FIFO
broker queue in front of another user's job.

Each hand-over stamps a fresh ``dispatch_token`` with a conditional update, and the message
carries it: a stale or duplicate message is dropped when a runner claims the job
(``jobs.runner``). When the broker refuses the message the stamp is taken back, the row stays
in the outbox and the next sweep dispatches it; the request that submitted the job never
waits on a broker retry loop (see ``CELERY_BROKER_TRANSPORT_OPTIONS``).
"""
import heapq
import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from jobs import runner
from jobs.models import Job

logger = logging.getLogger(__name__)

BROKER_PAUSE = 5.0
_paused_until = 0.0
_executors: dict[str, ThreadPoolExecutor] = {}
_executor_lock = threading.Lock()
_dispatching = threading.Lock()
_pending_queues: set[str] = set()
_pending_lock = threading.Lock()


def _embedded_executor(queue):
    """The embedded thread pool of ``queue``: ``MOTIF_GPU_CONCURRENCY`` threads for "gpu" (so that
    concurrent model requests can be batched), ``MOTIF_EMBEDDED_WORKERS`` for "cpu"."""
    with _executor_lock:
        if queue not in _executors:
            size = settings.MOTIF_GPU_CONCURRENCY if queue == "gpu" else settings.MOTIF_EMBEDDED_WORKERS
            _executors[queue] = ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"motif-{queue}-job")
    return _executors[queue]


def dispatch_ahead(queue="cpu"):
    """How many jobs of ``queue`` may be dispatched but unfinished at once."""
    if settings.MOTIF_DISPATCH_AHEAD:
        return settings.MOTIF_DISPATCH_AHEAD
    if queue == "gpu":
        return settings.MOTIF_GPU_CONCURRENCY
    return settings.MOTIF_EMBEDDED_WORKERS if settings.MOTIF_MODE == "embedded" else 4


def _in_flight():
    """Jobs handed to a runner and not finished: running, or dispatched and waiting."""
    return Q(status=Job.Status.RUNNING) | Q(status=Job.Status.QUEUED, dispatched_at__isnull=False)


def _publish(job_id, queue, token):
    """Hand one stamped job to its runner; raises when the broker refuses it."""
    if settings.MOTIF_MODE == "distributed":
        from jobs.tasks import run_job

        run_job.apply_async(args=[str(job_id), token], queue=queue, retry=False)
    else:
        _embedded_executor(queue).submit(_run_then_dispatch, job_id, token)


def _run_then_dispatch(job_id, token):
    """Embedded pool thread: run one job, then hand the next waiting ones over (the thread keeps its
    database connection, see ``runner.execute_in_thread``)."""
    runner.execute_in_thread(job_id, token)
    try:
        dispatch_queued()
    except Exception:
        logger.exception("Dispatching after job %s failed; the next sweep will retry", job_id)


def _stamp(job_id):
    """Take the job out of the outbox with a fresh token; None if someone else took it first."""
    token = secrets.token_hex(16)
    taken = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, dispatched_at__isnull=True).update(
        dispatch_token=token, dispatched_at=timezone.now()
    )
    return token if taken else None


class BrokerUnavailable(Exception):
    """The broker refused a message; the job went back to the outbox."""


def _hand_over(job_id, queue):
    """Stamp and publish one job; True if handed over, False if someone else took it first.

    On a broker error the stamp is taken back, dispatching pauses for ``BROKER_PAUSE`` seconds
    (so an outage costs one failed publish, not one per job or request) and
    ``BrokerUnavailable`` is raised.
    """
    global _paused_until
    token = _stamp(job_id)
    if token is None:
        return False
    try:
        _publish(job_id, queue, token)
    except Exception as error:
        _paused_until = time.monotonic() + BROKER_PAUSE
        logger.warning("Could not hand job %s to the %s queue (%s); it waits in the outbox", job_id, queue, error)
        Job.objects.filter(pk=job_id, dispatch_token=token, status=Job.Status.QUEUED).update(dispatched_at=None)
        raise BrokerUnavailable from error
    return True


def fair_order(waiting, in_flight, last_served):
    """The order in which to dispatch ``waiting`` jobs, fairly between their owners.

    ``waiting`` is a list of ``(job_id, owner_id, created_at)``; ``in_flight`` maps an owner to
    their number of dispatched, unfinished jobs; ``last_served`` maps an owner to the timestamp
    (seconds) of their last dispatched job; owners never served come first. The next job is
    the oldest of the owner with the fewest jobs in flight, then served least recently, then
    with the oldest waiting job. Each pick counts as in flight and served, so owners take turns.
    A generator over a heap of owners: taking the first few of many waiting jobs costs little.
    """
    backlog = {}
    for job_id, owner, created_at in sorted(waiting, key=lambda item: item[2]):
        backlog.setdefault(owner, []).append((created_at, job_id))
    heap = [((in_flight.get(owner, 0), (0, last_served.get(owner, float("-inf"))), jobs[0]), owner)
            for owner, jobs in backlog.items()]
    heapq.heapify(heap)
    picks = 0
    while heap:
        (flying, _served, (_created, job_id)), owner = heapq.heappop(heap)
        picks += 1
        yield job_id
        jobs = backlog[owner]
        jobs.pop(0)
        if jobs:
            heapq.heappush(heap, ((flying + 1, (1, picks), jobs[0]), owner))


def _dispatch_order(queue, waiting):
    """The ``waiting`` jobs of ``queue`` in the order to dispatch them: ``fair_order`` over the
    owners' jobs in flight and last dispatch, which a lone waiting job needs no query for."""
    if len(waiting) == 1:
        return [waiting[0][0]]
    owners = {owner for _, owner, _ in waiting}
    in_flight = dict(Job.objects.filter(_in_flight(), queue=queue, owner__in=owners)
                     .values_list("owner").annotate(n=Count("pk")).values_list("owner", "n"))
    served = (Job.objects.filter(queue=queue, owner__in=owners, dispatched_at__isnull=False)
              .values_list("owner").annotate(last=Max("dispatched_at")).values_list("owner", "last"))
    last_served = {owner: moment.timestamp() for owner, moment in served}
    return fair_order(waiting, in_flight, last_served)


def dispatch_queued(queues=("cpu", "gpu")):
    """Hand waiting jobs to runners, fairly, up to the per-queue limit. Returns how many.

    One thread of a process dispatches at a time: a call made meanwhile (every submit and every
    finished job calls this) adds its queues to the next pass of the thread already dispatching
    and returns 0 at once, instead of reading the same waiting jobs and racing for them.
    """
    if settings.MOTIF_JOBS_EAGER or time.monotonic() < _paused_until:
        return 0
    with _pending_lock:
        _pending_queues.update(queues)
    handed = 0
    while _pending_queues and _dispatching.acquire(blocking=False):
        try:
            with _pending_lock:
                wanted = [queue for queue in ("cpu", "gpu") if queue in _pending_queues]
                wanted += sorted(_pending_queues - {"cpu", "gpu"})
                _pending_queues.clear()
            handed += _dispatch_pass(wanted)
        except BrokerUnavailable:
            return handed
        finally:
            _dispatching.release()
    return handed


def _dispatch_pass(queues):
    handed = 0
    for queue in queues:
        free = dispatch_ahead(queue) - Job.objects.filter(_in_flight(), queue=queue).count()
        if free <= 0:
            continue
        waiting = list(Job.objects.filter(queue=queue, status=Job.Status.QUEUED, dispatched_at__isnull=True)
                       .values_list("pk", "owner_id", "created_at"))
        if not waiting:
            continue
        for job_id in _dispatch_order(queue, waiting):
            if free <= 0:
                break
            if _hand_over(job_id, queue):
                free -= 1
                handed += 1
    return handed


def dispatch_now(job):
    """Eager mode (tests, scripts): run ``job`` here and now, under a fresh token."""
    token = _stamp(job.pk)
    if token is not None:
        runner.execute(job.pk, token)


def redispatch_lost(now=None):
    """Put back in the outbox queued jobs dispatched longer ago than ``MOTIF_DISPATCH_STALE_SECONDS``.

    Their message was probably lost (e.g. a broker restarted without persistence); the next
    dispatch stamps a new token, so the old message, should it surface, is dropped.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.MOTIF_DISPATCH_STALE_SECONDS)
    return Job.objects.filter(status=Job.Status.QUEUED, dispatched_at__lt=cutoff).update(dispatched_at=None)
