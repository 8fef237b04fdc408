"""Usage: the user's jobs and model time by model and by day, on the account page, at /api/usage/
and in the admin."""
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from django.test import Client

from jobs.models import Job, ModelCall, ModelTimeQuota
from jobs.usage import record_model_call

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, 0, tzinfo=timezone.utc)


def usage_of(user, when, model, seconds):
    with mock.patch("django.utils.timezone.now", return_value=when):
        job = Job.objects.create(owner=user, kind="jobs.noop", status=Job.Status.SUCCEEDED)
        record_model_call(job, model, seconds, batch_size=4)


@pytest.fixture
def history(user, other_user):
    usage_of(user, NOW, "vae", 1.5)
    usage_of(user, NOW - timedelta(hours=1), "gan", 0.5)
    usage_of(user, NOW - timedelta(days=1), "vae", 2.0)
    usage_of(user, NOW - timedelta(days=31), "vae", 100.0)
    usage_of(other_user, NOW, "vae", 9.0)


def test_api_usage_is_the_users_own_last_30_days(api_client, history, settings):
    settings.MOTIF_DAILY_MODEL_SECONDS = 60
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        body = api_client.get("/api/usage/").json()
    assert body["jobs"] == 3 and body["model_seconds"] == 4.0
    assert body["by_model"] == [{"model": "vae", "calls": 2, "model_seconds": 3.5},
                                {"model": "gan", "calls": 1, "model_seconds": 0.5}]
    assert body["by_day"] == [{"day": "2026-03-10", "jobs": 2, "model_seconds": 2.0},
                              {"day": "2026-03-09", "jobs": 1, "model_seconds": 2.0}]
    assert body["quota"] == {"daily_seconds": 60, "used_seconds": 2.0, "remaining_seconds": 58.0,
                             "resets_at": "2026-03-11T00:00:00Z"}


def test_account_page_shows_usage(user, history):
    client = Client()
    client.force_login(user)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        page = client.get("/accounts/profile/").content.decode()
    assert "Your usage" in page and "Model time by model" in page and "2026-03-09" in page


def test_staff_see_usage_and_set_a_quota_in_the_admin(make_user, user, history):
    staff = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    assert "model seconds today" in client.get("/admin/auth/user/").content.decode().lower()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        page = client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "Model time by model" in page and "/api/usage/" not in page
    ModelTimeQuota.objects.create(user=user, daily_seconds=5)
    assert client.get("/admin/jobs/modeltimequota/").status_code == 200
    assert client.get("/admin/jobs/modelcall/").status_code == 200
    assert ModelCall.objects.filter(owner=user).count() == 4


def test_download_my_data_lists_each_jobs_model_calls(user, history):
    from accounts.services import export_user_data

    calls = [call for job in export_user_data(user)["jobs"] for call in job["model_calls"]]
    assert sorted(call["seconds"] for call in calls) == [0.5, 1.5, 2.0, 100.0]
    assert {call["batch_size"] for call in calls} == {4}
