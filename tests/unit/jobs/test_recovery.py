"""Nothing stuck: start-up recovery, the reaper, time limits and database faults mid-job."""
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone, translation

from jobs import db, progress, queue, recovery, runner
from jobs.errors import JobTimedOut
from jobs.heartbeat import Heartbeat
from jobs.models import Job
from jobs.registry import job_handler

pytestmark = pytest.mark.django_db


@job_handler("tests.sleeps_past_its_limit")
def sleeps_past_its_limit(ctx):
    ctx.job.started_at -= timedelta(seconds=3600)  # as if it had been running for an hour
    ctx.report(50, "still going")
    return {"unreachable": True}


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    monkeypatch.setattr(db, "FIRST_PAUSE", 0)


@pytest.fixture
def published(settings):
    settings.MOTIF_DISPATCH_AHEAD = 10
    calls = []
    with mock.patch.object(queue, "_publish", side_effect=lambda job_id, q, token: calls.append(job_id)):
        yield calls


def test_start_up_reruns_running_jobs_dispatches_queued_ones_and_fails_at_the_limit(published, user, settings):
    settings.MOTIF_JOB_MAX_ATTEMPTS = 2
    interrupted = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1,
                                     dispatch_token="t1", heartbeat_at=timezone.now())
    twice = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=2,
                               heartbeat_at=timezone.now())
    waiting = Job.objects.create(owner=user, kind="jobs.noop")
    lost_in_old_pool = Job.objects.create(owner=user, kind="jobs.noop", dispatch_token="t2",
                                          dispatched_at=timezone.now())

    assert recovery.recover_after_restart() == {"interrupted": 2, "dispatched": 3}
    assert set(published) == {interrupted.pk, waiting.pk, lost_in_old_pool.pk}
    twice.refresh_from_db()
    assert twice.status == Job.Status.FAILED and "stopped unexpectedly" in twice.error

    interrupted.refresh_from_db()
    runner.execute(interrupted.pk, interrupted.dispatch_token)
    interrupted.refresh_from_db()
    assert (interrupted.status, interrupted.attempts) == (Job.Status.SUCCEEDED, 2)
    runner.execute(interrupted.pk, "t1")  # the first attempt's message, redelivered late
    interrupted.refresh_from_db()
    assert interrupted.attempts == 2


def test_the_reaper_reruns_silent_jobs_and_leaves_live_ones(published, user, settings):
    settings.MOTIF_JOB_STALE_SECONDS = 60
    now = timezone.now()
    dead = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1,
                              heartbeat_at=now - timedelta(seconds=61))
    alive = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1,
                               heartbeat_at=now - timedelta(seconds=5))
    assert recovery.sweep(now)["reaped"] == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == Job.Status.QUEUED and dead.dispatch_token != "" and published == [dead.pk]
    assert alive.status == Job.Status.RUNNING


def test_a_heartbeat_keeps_a_job_alive_and_a_fresh_one_blocks_the_reaper(user, settings):
    job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1,
                             started_at=timezone.now(), heartbeat_at=timezone.now() - timedelta(seconds=120))
    stale_view = Job.objects.get(pk=job.pk)
    Heartbeat(job).beat()
    assert recovery._requeue_or_fail(stale_view, timezone.now()) == 0  # the row moved since it was read
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_embedded_soft_time_limit_fails_the_job_with_a_sentence(user):
    job = Job.objects.create(owner=user, kind="tests.sleeps_past_its_limit")
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.shown_error == "This job took too long and was stopped."
    assert job.result is None


def test_report_raises_past_the_soft_limit(user, settings):
    settings.MOTIF_JOB_SOFT_TIME_LIMIT = 10
    job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING,
                             started_at=timezone.now() - timedelta(seconds=11))
    with pytest.raises(JobTimedOut):
        progress.report(job, 10, force=True)


def test_the_heartbeat_fails_a_job_past_the_hard_limit(user, settings):
    settings.MOTIF_JOB_HARD_TIME_LIMIT = 60
    job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1,
                             started_at=timezone.now() - timedelta(seconds=61))
    Heartbeat(job).beat()
    job.refresh_from_db()
    assert (job.status, job.shown_error) == (Job.Status.FAILED, "This job took too long and was stopped.")


def test_finish_survives_a_dropped_connection(user):
    job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1)
    real_update = type(Job.objects.all()).update
    failures = iter([OperationalError("server closed the connection unexpectedly")])

    def flaky_update(self, **fields):
        error = next(failures, None)
        if error:
            raise error
        return real_update(self, **fields)

    with mock.patch.object(type(Job.objects.all()), "update", flaky_update):
        runner._finish(job, status=Job.Status.SUCCEEDED, result={"ok": True})
    job.refresh_from_db()
    assert (job.status, job.result) == (Job.Status.SUCCEEDED, {"ok": True})


def test_a_final_write_that_keeps_failing_leaves_the_job_to_the_reaper(user, caplog):
    job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1)
    with mock.patch.object(type(Job.objects.all()), "update", side_effect=OperationalError("gone")):
        runner._finish(job, status=Job.Status.SUCCEEDED)
    assert "the reaper will see to it" in caplog.text
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_report_survives_a_dropped_connection(user):
    job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1)
    real_update = type(Job.objects.all()).update
    calls = []

    def flaky_update(self, **fields):
        calls.append(fields)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return real_update(self, **fields)

    with mock.patch.object(type(Job.objects.all()), "update", flaky_update):
        progress.report(job, 40, "forty", force=True)
    job.refresh_from_db()
    assert (job.progress, len(calls)) == (40, 2)


def test_a_rerun_is_announced_in_the_viewers_language(published, user):
    job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING, attempts=1, language="zh-hans",
                             heartbeat_at=timezone.now() - timedelta(hours=1))
    recovery.reap_stale_jobs()
    job.refresh_from_db()
    with translation.override("zh-hans"):
        assert job.shown_message == "等待重新运行：其工作进程已中断"
    assert job.shown_message == "Waiting to run again: its worker stopped"
