"""Accounts: sign-up with a profile, tokens, data export, deletion, password reset."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.models import ApiToken, Profile
from jobs.models import Job
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_signup_creates_user_and_profile_and_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "clara", "email": "clara@example.org", "password1": PASSWORD, "password2": PASSWORD,
            "display_name": "Clara S.", "instruments": ["piano", "violin"], "genres": ["classical"],
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="clara")
    assert user.profile.display_name == "Clara S."
    assert user.profile.instruments == ["piano", "violin"]
    assert client.get("/accounts/profile/").status_code == 200


def test_signup_errors_are_shown_on_the_form(client):
    response = client.post("/accounts/signup/", {"username": "", "password1": "a", "password2": "b"})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not get_user_model().objects.exists()


def test_login_and_logout(client, user):
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/profile/").status_code == 302


def test_profile_update(client, user):
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": "Ada L.", "instruments": ["erhu"],
                                                  "genres": ["folk"], "personalisation_paused": "on"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.instruments, profile.personalisation_paused) == ("Ada L.", ["erhu"], True)


def test_api_token_issue_use_and_revoke(client, user):
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": "laptop"})
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=user)
    assert token.digest != key and key.startswith(token.prefix)
    api = client_class_with_token(key)
    assert api.get("/api/jobs/").status_code == 200
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    response = api.get("/api/jobs/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def client_class_with_token(key):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_cannot_revoke_someone_elses_token(client, user, other_user):
    token, _ = ApiToken.issue(other_user, "theirs")
    client.force_login(user)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_download_my_data(client, user):
    Job.objects.create(owner=user, kind="jobs.noop")
    client.force_login(user)
    response = client.get("/accounts/data/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["username"] == "ada"
    assert data["profile"]["instruments"] == []
    assert len(data["jobs"]) == 1


def test_delete_account_needs_password_then_removes_everything(client, user, other_user):
    Job.objects.create(owner=user, kind="jobs.noop")
    Job.objects.create(owner=other_user, kind="jobs.noop")
    ApiToken.issue(user, "x")
    client.force_login(user)
    response = client.post("/accounts/delete/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200 and b"not your password" in response.content
    assert get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Job.objects.filter(owner_id=user.pk).exists()
    assert not ApiToken.objects.filter(user_id=user.pk).exists()
    assert Job.objects.filter(owner=other_user).count() == 1


def test_password_reset_sends_a_link(client, make_user):
    make_user("dora", email="dora@example.org")
    response = client.post("/accounts/password/reset/", {"email": "dora@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_change(client, user):
    client.force_login(user)
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "another-Pw-456", "new_password2": "another-Pw-456"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-Pw-456")


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                                 "/api/docs/", "/api/schema/"])
def test_public_pages_render(client, url):
    assert client.get(url).status_code == 200


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Nothing here" in response.content
    assert b"Traceback" not in response.content


def test_chinese_pages(client):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = client.get("/")
    # Strings only Motif's own catalogue translates (Django's would give "登录" for "Log in" anyway).
    assert "构思、发现并理解音乐。".encode() in response.content
    assert "作业".encode() in response.content
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert b"Sketch, discover and understand music." in client.get("/").content


def test_every_model_is_in_the_admin():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m._meta.app_label in {"accounts", "jobs", "studio", "recommender", "lyrics", "video"}]
    missing = [m.__name__ for m in ours if m not in admin.site._registry]
    assert not missing, f"not in the admin: {missing}"
    for model in ours:
        model_admin = admin.site._registry[model]
        assert model_admin.list_display != ("__str__",), f"{model.__name__} has no list columns"


def test_admin_changelists_render(admin_client):
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SECRET_KEY": "x" * 30 + "-prod-secret-key-for-the-check-" + "y" * 20,
        "DJANGO_ALLOWED_HOSTS": "motif.example.org",
        "DJANGO_HTTPS": "1",
        "DJANGO_DEBUG": "0",
        "MOTIF_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
