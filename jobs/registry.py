"""Job handlers by kind. Apps register theirs in ``<app>/tasks.py``.

A handler is a plain function ``handler(ctx) -> dict``; see ``jobs.runner.JobContext``. When the
result has a ``"url"`` (the page that shows what the job made), the Jobs page and the notice of a
finished job link to it.
"""
from dataclasses import dataclass
from typing import Callable

from jobs.errors import UnknownJobKind


@dataclass(frozen=True)
class Handler:
    kind: str
    func: Callable
    queue: str
    api: bool
    label: str


_handlers: dict[str, Handler] = {}


def job_handler(kind, queue="cpu", api=False, label=None):
    """Register ``func`` as the handler of ``kind`` on ``queue`` ("gpu" or "cpu").

    ``api=True`` lets a user submit this kind directly through ``POST /api/jobs/``;
    ``label`` is what people see for this kind (a lazy translation), the kind itself if unset.
    """
    if queue not in ("gpu", "cpu"):
        raise ValueError(f"unknown queue {queue!r}")

    def register(func):
        _handlers[kind] = Handler(kind=kind, func=func, queue=queue, api=api, label=label or kind)
        return func

    return register


def get_handler(kind):
    """The handler registered for ``kind``; ``UnknownJobKind`` if there is none."""
    try:
        return _handlers[kind]
    except KeyError:
        raise UnknownJobKind(kind) from None


def api_kinds():
    """Kinds a user may submit directly through the generic jobs API."""
    return sorted(k for k, h in _handlers.items() if h.api)


def label_of(kind):
    """The human name of a job kind."""
    handler = _handlers.get(kind)
    return str(handler.label) if handler else kind
