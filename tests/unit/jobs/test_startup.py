"""Embedded server start: recovery and periodic work begin on their own, once, unless switched off."""
import threading
from unittest import mock

import pytest

from jobs import startup


@pytest.fixture
def fresh_process(monkeypatch):
    monkeypatch.setattr(startup, "_started", False)
    done = threading.Event()
    with mock.patch.object(startup.recovery, "recover_after_restart",
                           return_value={"interrupted": 1, "dispatched": 2}) as recover, \
            mock.patch.object(startup.schedule, "start_in_background", side_effect=lambda entries: done.set()) as run:
        yield recover, run, done


def test_start_up_recovers_then_schedules_once(fresh_process, settings):
    recover, run, done = fresh_process
    settings.MOTIF_EMBEDDED_SCHEDULER = True
    startup.start_embedded()
    startup.start_embedded()
    assert done.wait(5)
    recover.assert_called_once_with()
    run.assert_called_once_with(settings.MOTIF_PERIODIC_TASKS)


def test_the_test_suites_servers_do_nothing_unless_asked(fresh_process):
    recover, run, _ = fresh_process
    startup.start_embedded()
    assert not startup._started
    recover.assert_not_called()
