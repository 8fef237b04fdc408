"""Password guessing and form floods: django-axes lockout and the per-IP limits of the account forms."""
import re
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import AsyncClient, RequestFactory
from django.utils import timezone

from motif.ratelimits import client_ip, parse_rate
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def guess(client, username, password="wrong-guess", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_account_with_a_sentence_and_retry_after(client, user):
    for _ in range(4):
        assert guess(client, "ada").status_code == 200  # the form again, with its error
    locked = guess(client, "ada")
    assert locked.status_code == 429
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    assert "too many wrong passwords" in locked.content.decode()
    # Even the right password is refused while the lock lasts, and does not extend it.
    again = guess(client, "ada", PASSWORD)
    assert again.status_code == 429
    assert int(again["Retry-After"]) <= int(locked["Retry-After"])
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_from_another_address(client, user):
    for _ in range(5):
        guess(client, "ada", REMOTE_ADDR="10.0.0.1")
    assert guess(client, "ada", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 429


def test_one_address_guessing_many_accounts_is_locked(client, make_user):
    for name in ["u1", "u2", "u3", "u4", "u5"]:
        guess(client, name, REMOTE_ADDR="10.0.0.9")
    make_user("fresh")
    assert guess(client, "fresh", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert guess(client, "fresh", PASSWORD, REMOTE_ADDR="10.0.0.10").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, user):
    for _ in range(5):
        guess(client, "ada")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert guess(client, "ada", PASSWORD).status_code == 302


def test_a_client_asking_for_json_gets_json(client, user):
    for _ in range(5):
        guess(client, "ada")
    locked = guess(client, "ada", HTTP_ACCEPT="application/json")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    body = locked.json()
    assert "too many wrong passwords" in body["detail"] and body["retry_after"] > 0


def test_the_admin_login_is_locked_too(client, make_user):
    make_user("root", is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "nope"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429 and "Retry-After" in response


@pytest.mark.parametrize(
    "scope, url, data",
    [
        ("login", LOGIN, {"username": "nobody", "password": "x"}),
        ("login", "/admin/login/", {"username": "nobody", "password": "x"}),
        ("signup", "/accounts/signup/", {"username": ""}),
        ("password_reset", "/accounts/password/reset/", {"email": "nobody@example.org"}),
    ],
)
def test_form_posts_past_the_rate_of_one_address_get_429(client, settings, scope, url, data):
    settings.MOTIF_THROTTLE_RATES = {**settings.MOTIF_THROTTLE_RATES, scope: "2/m"}
    settings.AXES_FAILURE_LIMIT = 100
    for _ in range(2):
        assert client.post(url, data).status_code != 429
    refused = client.post(url, data)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many attempts from your network" in refused.content.decode()
    assert client.get(url).status_code == 200  # reading the form is not limited
    assert client.post(url, data, REMOTE_ADDR="10.1.1.1").status_code != 429  # another address is


def test_fifty_signups_from_one_address_are_cut_at_the_hourly_rate(client):
    codes = []
    for i in range(50):
        codes.append(client.post("/accounts/signup/", {
            "username": f"spam{i}", "password1": PASSWORD, "password2": PASSWORD}).status_code)
        client.logout()
    assert codes.count(302) == 5 and codes.count(429) == 45
    assert get_user_model().objects.count() == 5


def test_rates_parse_like_drf():
    assert parse_rate("10/m") == (10, 60)
    assert parse_rate("5/hour") == (5, 3600)
    assert parse_rate("1/s") == (1, 1)
    assert parse_rate("100/d") == (100, 86400)


def test_client_ip_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    settings.MOTIF_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"
    settings.MOTIF_TRUSTED_PROXIES = 1
    assert client_ip(request) == "1.2.3.4"
    settings.MOTIF_TRUSTED_PROXIES = 2
    assert client_ip(request) == "6.6.6.6"


def test_the_lockout_page_speaks_the_visitors_language(client, user):
    for _ in range(5):
        guess(client, "ada")
    locked = guess(client, "ada", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = locked.content.decode()
    assert locked.status_code == 429 and "登录已暂停" in text and "分钟后可以再试" in text


def test_a_new_password_from_the_reset_link_lifts_the_lockout(client, make_user):
    make_user("ada", email="ada@example.org")
    for _ in range(5):
        guess(client, "ada")
    assert guess(client, "ada", PASSWORD).status_code == 429
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    link = re.search(r"(/accounts/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "brand-New-pw-789"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert guess(client, "ada", new).status_code == 302


def test_the_lockout_holds_under_asgi_as_served(user):
    """Served by ASGI, axes' middleware takes its async path (which calls the lockout response
    with other arguments)."""
    client = AsyncClient()
    post = async_to_sync(client.post)
    for _ in range(5):
        post(LOGIN, {"username": "ada", "password": "wrong"})
    locked = post(LOGIN, {"username": "ada", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0


def test_logging_into_an_own_account_between_guesses_does_not_wipe_them(client, user, make_user):
    make_user("mallory")
    for _ in range(4):
        guess(client, "ada")
    assert guess(client, "mallory", PASSWORD).status_code == 302
    client.logout()
    assert guess(client, "ada").status_code == 429
