"""The job the current thread is running, for code deep inside a handler (e.g. recording model calls)."""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class _Run:
    job: object
    model_calls: int = 0


_current = ContextVar("motif_current_job", default=None)


@contextmanager
def running(job):
    """Mark ``job`` as the one this thread runs until the block ends."""
    token = _current.set(_Run(job))
    try:
        yield job
    finally:
        _current.reset(token)


def current_job():
    """The :class:`jobs.models.Job` being run by this thread, or None outside a job."""
    run = _current.get()
    return run.job if run is not None else None


def note_model_call():
    """Count a model call recorded for the current job (none outside a job)."""
    run = _current.get()
    if run is not None:
        run.model_calls += 1


def model_calls_noted():
    """How many model calls this run of the current job has recorded."""
    run = _current.get()
    return run.model_calls if run is not None else 0
