"""Hand a queued job to whoever runs it: Celery (distributed) or a thread pool (embedded)."""
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from jobs import runner

_executor = None
_executor_lock = threading.Lock()


def _embedded_executor():
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.MOTIF_EMBEDDED_WORKERS, thread_name_prefix="motif-job"
            )
    return _executor


def dispatch(job):
    """Start ``job`` according to the mode the settings select."""
    if settings.MOTIF_JOBS_EAGER:
        runner.execute(job.pk)
    elif settings.MOTIF_MODE == "distributed":
        from jobs.tasks import run_job

        run_job.apply_async(args=[str(job.pk)], queue=job.queue)
    else:
        _embedded_executor().submit(runner.execute_in_thread, job.pk)
