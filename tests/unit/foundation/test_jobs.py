"""The job system: submission, limits, running, progress, cancellation, isolation."""
import uuid

import pytest

from jobs import progress, runner
from jobs.errors import JobCancelled, TooManyActiveJobs, UnknownJobKind, UserError
from jobs.models import Job
from jobs.registry import job_handler
from jobs.services import submit_job


@job_handler("tests.fails_for_user")
def fails_for_user(ctx):
    raise UserError("That melody has no notes.")


@job_handler("tests.crashes")
def crashes(ctx):
    raise RuntimeError("secret internal detail")


@job_handler("tests.reports", queue="gpu")
def reports(ctx):
    ctx.report(50, "half way")
    return {"value": ctx.params["value"] * 2}


pytestmark = pytest.mark.django_db


def test_submit_creates_a_queued_job_on_the_handlers_queue(user):
    job = submit_job(user, "tests.reports", {"value": 2})
    assert job.status == Job.Status.QUEUED
    assert job.queue == "gpu"
    assert job.owner == user


def test_unknown_kind_is_refused(user):
    with pytest.raises(UnknownJobKind):
        submit_job(user, "nobody.handles.this", {})


def test_active_job_limit(user, settings):
    settings.MOTIF_MAX_ACTIVE_JOBS_PER_USER = 2
    submit_job(user, "jobs.noop")
    submit_job(user, "jobs.noop")
    with pytest.raises(TooManyActiveJobs) as caught:
        submit_job(user, "jobs.noop")
    assert "2 jobs waiting or running" in str(caught.value)


def test_finished_jobs_do_not_count_against_the_limit(user, settings):
    settings.MOTIF_MAX_ACTIVE_JOBS_PER_USER = 1
    Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.SUCCEEDED)
    submit_job(user, "jobs.noop")


def test_eager_job_succeeds_with_its_result(user, eager_jobs):
    job = submit_job(user, "tests.reports", {"value": 21})
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"value": 42}
    assert job.progress == 100
    assert job.attempts == 1
    assert job.started_at and job.finished_at


def test_job_messages_read_in_each_viewers_language(user, settings):
    """Messages are stored as their source and shown in whoever looks at them's language,
    not in the language the job was started or run in."""
    from django.utils import translation

    settings.MOTIF_JOBS_EAGER = False
    with translation.override("zh-hans"):
        done = submit_job(user, "tests.reports", {"value": 1})
        crashed = submit_job(user, "tests.crashes")
    assert (done.language, crashed.language) == ("zh-hans", "zh-hans")
    with translation.override("en"):  # a worker's own language does not matter
        runner.execute(done.pk)
        runner.execute(crashed.pk)
        assert translation.get_language() == "en"
    done.refresh_from_db()
    crashed.refresh_from_db()
    assert crashed.status == Job.Status.FAILED
    with translation.override("zh-hans"):
        assert (done.shown_message, crashed.shown_error) == ("完成", "运行此作业时出错，错误已记录，请重试。")
        assert done.to_event()["message"] == "完成"
    with translation.override("en"):
        assert done.shown_message == "Done"
        assert crashed.shown_error.startswith("Something went wrong while running this job.")


def test_user_error_becomes_the_jobs_message(user, eager_jobs):
    job = submit_job(user, "tests.fails_for_user")
    assert job.status == Job.Status.FAILED
    assert job.error == "That melody has no notes."


def test_crash_is_logged_but_never_shown(user, eager_jobs, caplog):
    job = submit_job(user, "tests.crashes")
    assert job.status == Job.Status.FAILED
    assert "secret internal detail" not in job.error
    assert "Traceback" not in job.error
    assert "secret internal detail" in caplog.text


def test_report_updates_the_row_and_detects_cancellation(user):
    job = Job.objects.create(owner=user, kind="tests.reports", status=Job.Status.RUNNING)
    progress.report(job, 30, "Thirty", force=True)
    job.refresh_from_db()
    assert (job.progress, job.message) == (30, "Thirty")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.CANCELLED)
    with pytest.raises(JobCancelled):
        progress.report(job, 40, "Forty", force=True)


def test_report_is_throttled_and_clamped(user):
    job = Job.objects.create(owner=user, kind="tests.reports", status=Job.Status.RUNNING)
    progress.report(job, 150, "too far", force=True)
    progress.report(job, 10, "too soon")
    job.refresh_from_db()
    assert job.progress == 100
    assert job.message == "too far"


def test_execute_is_idempotent_for_finished_jobs(user):
    job = Job.objects.create(owner=user, kind="tests.reports", params={"value": 1}, status=Job.Status.SUCCEEDED,
                             result={"value": "kept"})
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.result == {"value": "kept"}


def test_redelivered_running_job_runs_again_then_gives_up(user, settings):
    settings.MOTIF_JOB_MAX_ATTEMPTS = 2
    job = Job.objects.create(owner=user, kind="tests.reports", params={"value": 1}, status=Job.Status.RUNNING,
                             attempts=1)
    runner.execute(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (Job.Status.SUCCEEDED, 2, {"value": 2})

    stuck = Job.objects.create(owner=user, kind="tests.reports", params={"value": 1}, status=Job.Status.RUNNING,
                               attempts=2)
    runner.execute(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.status == Job.Status.FAILED
    assert "stopped unexpectedly" in stuck.error


def test_cancelled_job_is_not_overwritten_by_a_late_result(user):
    job = Job.objects.create(owner=user, kind="tests.reports", params={"value": 1}, status=Job.Status.RUNNING,
                             attempts=1)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.CANCELLED)
    runner._finish(job, status=Job.Status.SUCCEEDED, result={"late": True})
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.result is None


class TestJobsApi:
    def test_list_shows_only_my_jobs(self, api_client, user, other_user):
        mine = Job.objects.create(owner=user, kind="jobs.noop")
        Job.objects.create(owner=other_user, kind="jobs.noop")
        response = api_client.get("/api/jobs/")
        assert response.status_code == 200
        assert [j["id"] for j in response.json()["results"]] == [str(mine.pk)]

    def test_foreign_and_unknown_jobs_are_404(self, api_client, other_user):
        foreign = Job.objects.create(owner=other_user, kind="jobs.noop")
        assert api_client.get(f"/api/jobs/{foreign.pk}/").status_code == 404
        assert api_client.post(f"/api/jobs/{foreign.pk}/cancel/").status_code == 404
        assert api_client.get(f"/api/jobs/{uuid.uuid4()}/").status_code == 404

    def test_create_returns_202_with_location(self, api_client):
        response = api_client.post("/api/jobs/", {"kind": "jobs.noop"}, format="json")
        assert response.status_code == 202
        body = response.json()
        assert response["Location"] == f"/api/jobs/{body['id']}/"
        assert body["status"] == "queued"

    def test_bad_input_is_400_with_field_errors(self, api_client):
        response = api_client.post("/api/jobs/", {"kind": "tests.crashes"}, format="json")
        assert response.status_code == 400
        assert "kind" in response.json()
        response = api_client.post("/api/jobs/", "{not json", content_type="application/json")
        assert response.status_code == 400
        assert "detail" in response.json()
        response = api_client.post("/api/jobs/", {"kind": "jobs.noop", "params": [1, 2]}, format="json")
        assert response.status_code == 400
        assert "params" in response.json()

    def test_limit_answers_429_with_a_sentence(self, api_client, settings):
        settings.MOTIF_MAX_ACTIVE_JOBS_PER_USER = 1
        assert api_client.post("/api/jobs/", {"kind": "jobs.noop"}, format="json").status_code == 202
        response = api_client.post("/api/jobs/", {"kind": "jobs.noop"}, format="json")
        assert response.status_code == 429
        assert "Wait for one to finish" in response.json()["detail"]

    def test_cancel_active_then_409_when_finished(self, api_client, user):
        job = Job.objects.create(owner=user, kind="jobs.noop")
        response = api_client.post(f"/api/jobs/{job.pk}/cancel/")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        response = api_client.post(f"/api/jobs/{job.pk}/cancel/")
        assert response.status_code == 409
        assert "already finished" in response.json()["detail"]

    def test_anonymous_is_401(self, client):
        assert client.get("/api/jobs/").status_code in (401, 403)


def test_jobs_page_lists_jobs_and_starts_a_demo(client, user):
    client.force_login(user)
    Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.SUCCEEDED, progress=100)
    page = client.get("/jobs/")
    assert page.status_code == 200
    assert b"No-op (system check)" in page.content
    response = client.post("/jobs/demo/")
    assert response.status_code == 302
    assert Job.objects.filter(owner=user, kind="jobs.demo").exists()


def test_every_product_job_kind_has_a_human_label_in_both_languages():
    from django.utils import translation

    from jobs.registry import _handlers, label_of

    product = [kind for kind in _handlers if not kind.startswith("tests.")]
    assert {"studio.generate", "perception.video", "recommender.train"} <= set(product)
    for kind in product:
        with translation.override("en"):
            english = label_of(kind)
        with translation.override("zh-hans"):
            chinese = label_of(kind)
        assert english != kind and chinese != english, (kind, english, chinese)
