"""One batcher per model and process, configured by settings; each request's share is recorded."""
from __future__ import annotations

import logging
import threading
from typing import Any, Hashable

from django.conf import settings
from django.db import DatabaseError

from motif.inference.batcher import Batcher, RunBatch

log = logging.getLogger(__name__)
_batchers: dict[str, Batcher] = {}
_lock = threading.Lock()


def batcher(model: str) -> Batcher:
    """The process's batcher of ``model`` (created on first use with the current settings). Its
    requests are keyed by ``(run_batch, key)``: one worker thread per model runs every kind of pass."""
    with _lock:
        if model not in _batchers:
            _batchers[model] = Batcher(_run_keyed, window_ms=settings.MOTIF_BATCH_WINDOW_MS,
                                       max_size=settings.MOTIF_BATCH_MAX_SIZE, name=model)
        return _batchers[model]


def _run_keyed(key, payloads):
    run_batch, inner_key = key
    return run_batch(inner_key, payloads)


def reset() -> None:
    """Forget every batcher (tests and benchmarks that change the settings)."""
    with _lock:
        _batchers.clear()


def infer(model: str, key: Hashable, payload: Any, run_batch: RunBatch, *, rows: int = 1, device: str = "cpu") -> Any:
    """Run ``payload`` through ``model``'s batcher with the other requests of ``key`` and return its
    result. Inside a job, the request's share of the forward pass is recorded for that job
    (``jobs.usage.record_model_call``) with the batch size, ``device`` and the time it waited."""
    result, stats = batcher(model).submit((run_batch, key), payload, rows)
    from jobs.current import current_job, note_model_call
    from jobs.usage import record_model_call

    job = current_job()
    if job is not None:
        try:
            record_model_call(job, model, stats.seconds, batch_size=stats.batch_size, device=device,
                              wait_ms=stats.wait_ms)
            note_model_call()
        except DatabaseError:
            log.exception("The %s call of job %s could not be recorded", model, job.pk)
    return result
