"""The job the current thread is running, for code deep inside a handler (e.g. recording model calls)."""
from contextlib import contextmanager
from contextvars import ContextVar

_current = ContextVar("motif_current_job", default=None)


@contextmanager
def running(job):
    """Mark ``job`` as the one this thread runs until the block ends."""
    token = _current.set(job)
    try:
        yield job
    finally:
        _current.reset(token)


def current_job():
    """The :class:`jobs.models.Job` being run by this thread, or None outside a job."""
    return _current.get()
