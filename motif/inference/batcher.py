"""A dynamic batcher: concurrent requests for one model, gathered into one forward pass.

Plain Python (no Django, no torch): callers in many threads ``submit`` a payload under a *key*
(requests may share a forward pass only when their keys are equal, e.g. same bars and
temperature); one worker thread per batcher takes the oldest waiting request, waits until that
request has waited ``window_ms`` or its key has ``max_size`` rows waiting, and runs every waiting
request of that key (up to ``max_size`` rows) through ``run_batch(key, payloads)`` at once. Each
caller gets back its own result, or its own exception: when a batch of several requests raises,
each request is run again alone, so one bad request does not fail the others.

A batcher belongs to one process: after a fork the child starts its own worker thread on first use.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Sequence

log = logging.getLogger(__name__)

RunBatch = Callable[[Hashable, Sequence[Any]], Sequence[Any]]


@dataclass(frozen=True)
class CallStats:
    """How one request was served: ``seconds`` is its share of the forward pass (by rows),
    ``batch_size`` the rows in that pass, ``requests`` the requests in it, ``wait_ms`` the time
    from ``submit`` to the start of the pass."""

    seconds: float
    batch_size: int
    requests: int
    wait_ms: float


@dataclass
class _Request:
    key: Hashable
    payload: Any
    rows: int
    arrived: float
    future: Future


class Batcher:
    """Gathers concurrent ``submit`` calls into batches for ``run_batch`` (see the module docs).

    ``run_batch(key, payloads)`` returns one result per payload, in order. With ``max_size`` 1 or
    less batching is off: each request runs at once in its caller's thread.
    """

    def __init__(self, run_batch: RunBatch, *, window_ms: float = 5.0, max_size: int = 64, name: str = "model"):
        self.run_batch = run_batch
        self.window = max(0.0, window_ms) / 1000.0
        self.max_size = int(max_size)
        self.name = name
        self._reset()

    @property
    def enabled(self) -> bool:
        return self.max_size > 1

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._cond = threading.Condition()
        self._pending: list[_Request] = []
        self._thread: threading.Thread | None = None

    def submit(self, key: Hashable, payload: Any, rows: int = 1) -> tuple[Any, CallStats]:
        """Run ``payload`` (``rows`` rows of the batch) with other requests of the same ``key``;
        blocks until its result is ready and returns it with its :class:`CallStats`. Raises what
        running it raised."""
        if not self.enabled:
            return self._run_alone(key, payload, rows)
        request = _Request(key, payload, max(1, int(rows)), time.monotonic(), Future())
        with self._cond_for_this_process():
            self._pending.append(request)
            self._start_worker()
            self._cond.notify()
        return request.future.result()

    def _cond_for_this_process(self) -> threading.Condition:
        if self._pid != os.getpid():
            self._reset()
        return self._cond

    def _start_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name=f"batcher-{self.name}", daemon=True)
            self._thread.start()

    def _run_alone(self, key, payload, rows):
        start = time.monotonic()
        (result,) = self.run_batch(key, [payload])
        return result, CallStats(time.monotonic() - start, rows, 1, 0.0)

    def _work(self) -> None:
        while True:
            batch = self._next_batch()
            try:
                self._run(batch)
            except BaseException as error:  # noqa: BLE001 - never leave a caller waiting
                for request in batch:
                    if not request.future.done():
                        request.future.set_exception(error)

    def _next_batch(self) -> list[_Request]:
        """Wait for the next batch: the oldest request and others of its key, once it has waited
        the window or the key has ``max_size`` rows waiting."""
        with self._cond:
            while not self._pending:
                self._cond.wait()
            key = self._pending[0].key
            deadline = self._pending[0].arrived + self.window
            while True:
                rows = sum(r.rows for r in self._pending if r.key == key)
                remaining = deadline - time.monotonic()
                if rows >= self.max_size or remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch, rows = [], 0
            for request in self._pending:
                if request.key == key and (not batch or rows + request.rows <= self.max_size):
                    batch.append(request)
                    rows += request.rows
            taken = {id(r) for r in batch}
            self._pending = [r for r in self._pending if id(r) not in taken]
            return batch

    def _run(self, batch: list[_Request]) -> None:
        start = time.monotonic()
        try:
            results = list(self.run_batch(batch[0].key, [r.payload for r in batch]))
            if len(results) != len(batch):
                raise RuntimeError(f"{self.name}: run_batch returned {len(results)} results for {len(batch)} requests")
        except Exception as error:
            if len(batch) == 1:
                batch[0].future.set_exception(error)
                return
            log.warning("A batch of %d %s requests failed (%s); running them one by one", len(batch), self.name, error)
            for request in batch:
                self._run([request])
            return
        seconds = time.monotonic() - start
        rows = sum(r.rows for r in batch)
        for request, result in zip(batch, results):
            stats = CallStats(seconds * request.rows / rows, rows, len(batch), (start - request.arrived) * 1000.0)
            request.future.set_result((result, stats))
