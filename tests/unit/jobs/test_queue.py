"""The dispatcher: fair share between owners, one token per hand-over, an outbox when the broker fails."""
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jobs import queue, runner
from jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(settings):
    """Record hand-overs instead of running them; one slot per queue."""
    settings.MOTIF_DISPATCH_AHEAD = 1
    calls = []
    with mock.patch.object(queue, "_publish", side_effect=lambda job_id, q, token: calls.append((job_id, token))):
        yield calls


def make_users(count, prefix):
    return [get_user_model().objects.create_user(f"{prefix}{i}") for i in range(count)]


def test_a_new_users_job_goes_before_ten_users_backlogs(published):
    backlog_owners = make_users(10, "flood")
    for owner in backlog_owners:
        for _ in range(4):
            Job.objects.create(owner=owner, kind="jobs.noop")
    for owner in backlog_owners:  # each was served already, some recently
        Job.objects.create(owner=owner, kind="jobs.noop", status=Job.Status.SUCCEEDED, dispatched_at=timezone.now())
    newcomer = get_user_model().objects.create_user("newcomer")
    mine = Job.objects.create(owner=newcomer, kind="jobs.noop")

    assert queue.dispatch_queued() == 1
    assert [job_id for job_id, _ in published] == [mine.pk]


def test_fair_order_takes_turns_fewest_in_flight_then_least_recently_served_then_oldest():
    t = timezone.now()
    waiting = [("a1", "a", t), ("a2", "a", t + timedelta(seconds=1)), ("b1", "b", t + timedelta(seconds=2)),
               ("c1", "c", t + timedelta(seconds=3)), ("d1", "d", t + timedelta(seconds=4))]
    in_flight = {"c": 1}
    last_served = {"a": 100.0, "b": 50.0}
    # d was never served, b before a; c has a job in flight so comes after everyone's first.
    assert list(queue.fair_order(waiting, in_flight, last_served)) == ["d1", "b1", "a1", "c1", "a2"]


def test_the_limit_counts_dispatched_and_running_jobs_per_queue(published, user, settings):
    settings.MOTIF_DISPATCH_AHEAD = 2
    Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.RUNNING)
    waiting = [Job.objects.create(owner=user, kind="jobs.noop") for _ in range(3)]
    gpu = Job.objects.create(owner=user, kind="jobs.noop", queue="gpu")

    assert queue.dispatch_queued() == 2
    assert {job_id for job_id, _ in published} == {waiting[0].pk, gpu.pk}
    assert queue.dispatch_queued() == 0


def test_each_hand_over_stamps_a_fresh_token_carried_by_the_message(published, user):
    job = Job.objects.create(owner=user, kind="jobs.noop")
    queue.dispatch_queued()
    job.refresh_from_db()
    assert published == [(job.pk, job.dispatch_token)]
    assert job.dispatched_at is not None and len(job.dispatch_token) == 32


def test_a_stale_or_duplicate_message_is_dropped(user):
    job = Job.objects.create(owner=user, kind="jobs.noop", dispatch_token="current")
    runner.execute(job.pk, "an-older-one")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.QUEUED, 0)

    runner.execute(job.pk, "current")
    runner.execute(job.pk, "current")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 1)


@pytest.fixture
def broker_pause(monkeypatch):
    monkeypatch.setattr(queue, "_paused_until", 0.0)


def test_a_broker_failure_leaves_the_jobs_in_the_outbox_until_the_sweep(user, settings, broker_pause, monkeypatch):
    settings.MOTIF_MODE = "distributed"
    job, second = Job.objects.create(owner=user, kind="jobs.noop"), Job.objects.create(owner=user, kind="jobs.noop")
    with mock.patch("jobs.tasks.run_job.apply_async", side_effect=ConnectionRefusedError) as publish:
        assert queue.dispatch_queued() == 0
        assert queue.dispatch_queued() == 0  # paused: no second wait on a broker that is down
    assert publish.call_count == 1 and publish.call_args.kwargs["retry"] is False
    assert Job.objects.filter(dispatched_at__isnull=True, status=Job.Status.QUEUED).count() == 2

    second.delete()
    monkeypatch.setattr(queue, "_paused_until", 0.0)  # the pause is over
    with mock.patch("jobs.tasks.run_job.apply_async") as publish:
        assert queue.dispatch_queued() == 1
    job.refresh_from_db()
    publish.assert_called_once_with(args=[str(job.pk), job.dispatch_token], queue="cpu", retry=False)


def test_submission_answers_202_while_the_broker_is_down(api_client, user, settings, broker_pause,
                                                        django_capture_on_commit_callbacks):
    settings.MOTIF_MODE = "distributed"
    with mock.patch("jobs.tasks.run_job.apply_async", side_effect=OSError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post("/api/jobs/", {"kind": "jobs.noop"}, format="json")
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.status, job.dispatched_at) == (Job.Status.QUEUED, None)


def test_messages_unclaimed_for_too_long_are_sent_again(published, user, settings):
    settings.MOTIF_DISPATCH_STALE_SECONDS = 600
    lost = Job.objects.create(owner=user, kind="jobs.noop", dispatch_token="old",
                              dispatched_at=timezone.now() - timedelta(seconds=601))
    fresh = Job.objects.create(owner=user, kind="jobs.noop", dispatch_token="new", dispatched_at=timezone.now())
    assert queue.redispatch_lost() == 1
    settings.MOTIF_DISPATCH_AHEAD = 2
    queue.dispatch_queued()
    lost.refresh_from_db()
    assert lost.dispatch_token not in ("", "old") and published == [(lost.pk, lost.dispatch_token)]
    fresh.refresh_from_db()
    assert fresh.dispatch_token == "new"


def test_a_dispatch_asked_for_during_another_is_done_by_it_in_a_further_pass(monkeypatch):
    passes, inner = [], []

    def one_pass(queues):
        passes.append(list(queues))
        if len(passes) == 1:  # another thread's call, made while this one dispatches
            inner.append(queue.dispatch_queued(("gpu",)))
        return 1

    monkeypatch.setattr(queue, "_dispatch_pass", one_pass)
    assert queue.dispatch_queued() == 2
    assert passes == [["cpu", "gpu"], ["gpu"]] and inner == [0]
