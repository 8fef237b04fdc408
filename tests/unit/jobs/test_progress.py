"""Progress reports kept back within a job's first interval: written by the timer thread for a job
still running, never for one that ended first."""
import threading
import time

import pytest
from django.db import OperationalError
from django.db.models.query import QuerySet
from django.utils import timezone

from jobs import progress
from jobs.errors import JobCancelled
from jobs.heartbeat import Heartbeat
from jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)  # the timer thread writes on its own connection


@pytest.fixture
def events(monkeypatch):
    sent = []
    monkeypatch.setattr(progress, "send_job_event", lambda owner, event: sent.append(event["progress"]))
    monkeypatch.setattr(progress, "MIN_INTERVAL", 0.05)
    return sent


def running_job(user):
    return Job.objects.create(owner=user, kind="tests.reports", status=Job.Status.RUNNING, attempts=1,
                              started_at=timezone.now())


def test_a_report_in_the_first_interval_reaches_the_row_once_the_interval_is_over(user, events):
    job = running_job(user)
    with Heartbeat(job):
        progress.started(job.pk)
        progress.report(job, 30, "Thirty")
        progress.report(job, 40, "Forty")  # the latest kept-back report wins
        assert Job.objects.get(pk=job.pk).progress == 0
        deadline = time.monotonic() + 2
        while Job.objects.get(pk=job.pk).progress != 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        progress.forget(job.pk)
    assert Job.objects.get(pk=job.pk).message == "Forty"
    assert events == [40]


def test_a_job_done_within_its_first_interval_writes_no_progress(user, events):
    job = running_job(user)
    with Heartbeat(job):
        progress.started(job.pk)
        progress.report(job, 30, "Thirty")
        progress.forget(job.pk)  # what finishing the job does
    time.sleep(0.1)
    assert Job.objects.get(pk=job.pk).progress == 0
    assert events == []


def test_a_cancellation_seen_by_a_kept_back_write_stops_the_job_at_its_next_report(user, events):
    job = running_job(user)
    with Heartbeat(job):
        progress.started(job.pk)
        progress.report(job, 30, "Thirty")
        Job.objects.filter(pk=job.pk).update(status=Job.Status.CANCELLED)
        time.sleep(0.15)
        with pytest.raises(JobCancelled):
            progress.report(job, 50, "Fifty")
        progress.forget(job.pk)


def test_a_kept_back_report_the_database_refuses_gets_one_try_and_the_job_does_not_wait(user, events, monkeypatch,
                                                                                        caplog):
    """The timer thread's write is best-effort: no retries (4 of them with SQLite's 20 s lock timeout
    each would hold the job's end for over a minute), a log line, and the report is dropped."""
    job = running_job(user)
    tries = []
    real_update = QuerySet.update

    def refused_in_the_timer_thread(self, **fields):
        if "progress" in fields and threading.current_thread() is not threading.main_thread():
            tries.append(fields["progress"])
            raise OperationalError("database is locked")
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", refused_in_the_timer_thread)
    with Heartbeat(job):
        progress.started(job.pk)
        progress.report(job, 30, "Thirty")
        deadline = time.monotonic() + 2
        while not tries and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
        begun = time.monotonic()
        progress.forget(job.pk)
        assert time.monotonic() - begun < 0.5
    assert tries == [30]
    assert Job.objects.get(pk=job.pk).progress == 0 and events == []
    assert "could not be written" in caplog.text
