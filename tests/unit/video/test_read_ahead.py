"""Frames decoded on a thread of their own reach the analysis in order, with errors and early stops."""
import threading

import pytest

from perception.video.analysis.media import read_ahead


def test_items_arrive_in_order():
    assert list(read_ahead(iter(range(100)), depth=3)) == list(range(100))


def test_an_error_while_producing_is_raised_to_the_consumer_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("damaged file")

    seen = []
    with pytest.raises(ValueError, match="damaged file"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_stopping_early_closes_the_producer_on_its_own_thread():
    closed_on = []

    def items():
        try:
            for i in range(10_000):
                yield i
        finally:
            closed_on.append(threading.current_thread().name)

    reader = read_ahead(items(), depth=2)
    assert next(reader) == 0
    reader.close()
    assert closed_on == ["video-read-ahead"]
    assert not any(t.name == "video-read-ahead" for t in threading.enumerate())
