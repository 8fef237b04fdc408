"""The process's one timer thread: calls at their time, repeats while asked, and forgets cancelled keys."""
import threading
import time

from jobs.timers import Timers


def test_a_call_runs_at_its_time_repeats_while_it_returns_a_time_and_stops_when_cancelled():
    timers = Timers(name="test-timers")
    calls, done = [], threading.Event()

    def tick():
        calls.append(time.monotonic())
        if len(calls) == 3:
            done.set()
        return time.monotonic() + 0.01

    start = time.monotonic()
    timers.call_at("tick", start + 0.02, tick)
    assert done.wait(2)
    timers.cancel("tick")
    assert calls[0] >= start + 0.02
    time.sleep(0.05)
    assert len(calls) <= 4 and "tick" not in timers.pending()


def test_a_failing_call_is_logged_and_the_thread_carries_on(caplog):
    timers = Timers(name="test-timers")
    ran = threading.Event()
    timers.call_at("bad", time.monotonic(), lambda: 1 / 0)
    timers.call_at("good", time.monotonic() + 0.01, ran.set)
    assert ran.wait(2)
    assert "Timer 'bad' failed" in caplog.text
