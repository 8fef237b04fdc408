"""The batcher: each caller gets its own result, lone requests wait no longer than the window,
errors reach only the callers they belong to."""
import threading
import time

import pytest

from motif.inference.batcher import Batcher


def run_concurrently(calls):
    """Start every call in its own thread at once; returns their results or exceptions, in order."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


def test_each_caller_gets_its_own_result_from_one_pass():
    passes = []

    def double(key, payloads):
        passes.append(len(payloads))
        return [key * p for p in payloads]

    batcher = Batcher(double, window_ms=200, max_size=16)
    out = run_concurrently([lambda i=i: batcher.submit(2, i) for i in range(8)])
    assert [result for result, _ in out] == [2 * i for i in range(8)]
    assert passes == [8]
    assert {stats.batch_size for _, stats in out} == {8}
    assert all(stats.wait_ms >= 0 and stats.requests == 8 for _, stats in out)


def test_only_requests_of_the_same_key_share_a_pass_and_rows_cap_the_batch():
    seen = []

    def record(key, payloads):
        seen.append((key, len(payloads)))
        return [(key, p) for p in payloads]

    batcher = Batcher(record, window_ms=200, max_size=4)
    calls = [lambda i=i: batcher.submit("a" if i % 2 else "b", i, rows=2) for i in range(8)]
    out = run_concurrently(calls)
    assert [r for r, _ in out] == [("a" if i % 2 else "b", i) for i in range(8)]
    assert sorted(seen) == [("a", 2), ("a", 2), ("b", 2), ("b", 2)]
    assert {stats.batch_size for _, stats in out} == {4}


def test_a_lone_request_waits_no_longer_than_the_window():
    """It waits the window for company (100 ms here), then runs; the margin allows a busy machine."""
    batcher = Batcher(lambda key, payloads: payloads, window_ms=100, max_size=64)
    batcher.submit(0, "warm the worker thread")
    start = time.monotonic()
    result, stats = batcher.submit(0, "alone")
    elapsed_ms = (time.monotonic() - start) * 1000
    assert result == "alone"
    assert 99 <= stats.wait_ms < 100 + 150
    assert elapsed_ms < 100 + 150


def test_a_full_batch_runs_without_waiting_for_the_window():
    batcher = Batcher(lambda key, payloads: payloads, window_ms=5000, max_size=4)
    start = time.monotonic()
    out = run_concurrently([lambda i=i: batcher.submit(0, i) for i in range(4)])
    assert [r for r, _ in out] == [0, 1, 2, 3]
    assert time.monotonic() - start < 2


def test_a_bad_request_fails_alone_and_the_others_get_their_results():
    def strict(key, payloads):
        if any(p < 0 for p in payloads):
            raise ValueError("negative")
        return [p * 10 for p in payloads]

    batcher = Batcher(strict, window_ms=200, max_size=16)
    out = run_concurrently([lambda i=i: batcher.submit(0, -1 if i == 3 else i) for i in range(6)])
    assert isinstance(out[3], ValueError)
    assert [out[i][0] for i in (0, 1, 2, 4, 5)] == [0, 10, 20, 40, 50]


def test_an_error_of_the_whole_pass_reaches_every_caller_of_it():
    def broken(key, payloads):
        raise RuntimeError("out of memory")

    batcher = Batcher(broken, window_ms=100, max_size=16)
    out = run_concurrently([lambda i=i: batcher.submit(0, i) for i in range(4)])
    assert all(isinstance(r, RuntimeError) for r in out)
    ok, _ = Batcher(lambda k, p: p, window_ms=1).submit(0, "still serving")
    assert ok == "still serving"


def test_a_maximum_of_one_runs_each_request_in_its_callers_thread():
    threads = []

    def here(key, payloads):
        threads.append(threading.current_thread())
        return payloads

    result, stats = Batcher(here, max_size=1).submit(0, "x")
    assert result == "x" and threads == [threading.current_thread()]
    assert stats.batch_size == 1 and stats.wait_ms == 0


def test_a_wrong_number_of_results_is_an_error_not_a_hang():
    batcher = Batcher(lambda key, payloads: [], window_ms=1)
    with pytest.raises(RuntimeError, match="0 results for 1"):
        batcher.submit(0, "x")


def test_lyric_reports_share_emotion_passes_and_get_their_own_lines(settings):
    from motif.inference import serving
    from perception.lyrics.batching import BatchedClassifier

    class Fake:
        name, device = "fake", "cpu"
        passes = []

        def predict(self, texts, batch_size=64, explain=True):
            self.passes.append(len(texts))
            return [f"{text}:{explain}" for text in texts]

    settings.MOTIF_BATCH_WINDOW_MS, settings.MOTIF_BATCH_MAX_SIZE = 300, 64
    serving.reset()
    try:
        fake = Fake()
        batched = BatchedClassifier(fake)
        reports = [[f"r{i} line {j}" for j in range(i + 1)] for i in range(4)]
        out = run_concurrently([lambda lines=lines: batched.predict(lines) for lines in reports])
        assert out == [[f"{line}:True" for line in lines] for lines in reports]
        assert fake.passes == [10] and batched.name == "fake" and batched.predict([]) == []
    finally:
        serving.reset()
