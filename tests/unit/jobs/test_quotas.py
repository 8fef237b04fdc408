"""Daily model-time quotas: refused with 429 + Retry-After once spent, renewed at UTC midnight,
overridable per user; and the run-time charge of jobs that record no model call."""
from datetime import datetime, timezone
from unittest import mock

import pytest
from django.test import Client

from jobs.models import Job, ModelCall, ModelTimeQuota
from jobs.errors import ModelTimeQuotaSpent
from jobs.quotas import check_quota, seconds_to_reset
from jobs.registry import job_handler
from jobs.usage import record_model_call

pytestmark = pytest.mark.django_db

LATE_EVENING = datetime(2026, 3, 10, 22, 0, 0, tzinfo=timezone.utc)
NEXT_MORNING = datetime(2026, 3, 11, 0, 0, 1, tzinfo=timezone.utc)


@job_handler("tests.batched_model", queue="gpu")
def batched_model(ctx):
    record_model_call(ctx.job, "vae", 0.25, batch_size=8)
    return {}


def frozen(moment):
    """Django's clock (``timezone.now``, so ``auto_now_add`` too) stopped at ``moment``."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def spend(user, seconds):
    job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.SUCCEEDED)
    record_model_call(job, "vae", seconds)


def test_spent_quota_answers_429_with_seconds_to_utc_midnight(api_client, user, settings):
    settings.MOTIF_DAILY_MODEL_SECONDS = 60
    with frozen(LATE_EVENING):
        spend(user, 60.0)
        response = api_client.post("/api/jobs/", {"kind": "jobs.noop"}, format="json")
    assert response.status_code == 429
    assert response["Retry-After"] == "7200"
    body = response.json()
    assert body["retry_after"] == 7200
    assert "model time" in body["detail"] and "2 hours" in body["detail"]
    assert not Job.objects.filter(status=Job.Status.QUEUED).exists()


def test_quota_renews_the_next_utc_day(api_client, user, settings):
    settings.MOTIF_DAILY_MODEL_SECONDS = 60
    with frozen(LATE_EVENING):
        spend(user, 61.0)
        assert api_client.post("/api/jobs/", {"kind": "jobs.noop"}, format="json").status_code == 429
    with frozen(NEXT_MORNING):
        assert api_client.post("/api/jobs/", {"kind": "jobs.noop"}, format="json").status_code == 202


def test_per_user_quota_overrides_the_default(make_user, settings):
    settings.MOTIF_DAILY_MODEL_SECONDS = 10
    generous, unlimited, plain = make_user("gen"), make_user("unl"), make_user("plain")
    ModelTimeQuota.objects.create(user=generous, daily_seconds=100)
    ModelTimeQuota.objects.create(user=unlimited, daily_seconds=0)
    with frozen(LATE_EVENING):
        for who in (generous, unlimited, plain):
            spend(who, 50.0)
        check_quota(generous)
        check_quota(unlimited)
        with pytest.raises(ModelTimeQuotaSpent) as refused:
            check_quota(plain)
    assert refused.value.retry_after == 7200


def test_a_page_that_submits_a_job_answers_a_429_page(user, settings):
    settings.MOTIF_DAILY_MODEL_SECONDS = 5
    client = Client()
    client.force_login(user)
    with frozen(LATE_EVENING):
        spend(user, 5.0)
        response = client.post("/jobs/demo/")
    assert response.status_code == 429
    assert response["Retry-After"] == "7200"
    assert "today&#x27;s model time" in response.content.decode()


def test_seconds_to_reset_rounds_up():
    assert seconds_to_reset(datetime(2026, 3, 10, 23, 59, 59, 500000, tzinfo=timezone.utc)) == 1


def test_a_job_without_model_calls_is_charged_its_run_time(user, eager_jobs):
    from jobs.services import submit_job

    job = submit_job(user, "jobs.noop")
    charge = ModelCall.objects.get(job=job)
    assert charge.model == "job:jobs.noop" and charge.device == "cpu" and charge.seconds >= 0
    assert job.worker and ":" in job.worker


def test_a_job_with_model_calls_is_charged_only_those(user, eager_jobs):
    from jobs.services import submit_job

    job = submit_job(user, "tests.batched_model")
    assert list(ModelCall.objects.filter(job=job).values_list("model", "seconds")) == [("vae", 0.25)]
