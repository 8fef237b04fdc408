"""Fixtures shared by the whole suite."""
import os

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections
from django.utils import translation
from rest_framework.test import APIClient

PASSWORD = "pw-Motif-123"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition, reason):
    """Skip a test outside CI when ``condition`` is false; under CI=true fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI requires this test to run, but: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request in another one leaves it active
    in the thread (LocaleMiddleware activates, nothing deactivates)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The production hasher costs about a second per user on a 2-core machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_counters(settings):
    """Rate counters live in the cache: each test starts from zero. The API throttles are raised
    out of reach so that suites posting many requests are not refused; tests of the throttles
    (tests/unit/guard) set the rates they check."""
    cache.clear()
    settings.MOTIF_THROTTLE_RATES = {**settings.MOTIF_THROTTLE_RATES, "anon": "100000/m", "user": "100000/m",
                                     "jobs": "100000/m"}


@pytest.fixture(autouse=True)
def no_embedded_startup_work(settings):
    """An in-process test server does not recover jobs or run periodic tasks unless a test asks."""
    settings.MOTIF_EMBEDDED_SCHEDULER = False


@pytest.fixture(autouse=True)
def timer_thread_inside_the_test_transaction(monkeypatch):
    """While a test holds its transaction (the ``db`` fixture), the process's timer thread (heartbeats,
    kept-back progress) writes through the test's own connection: with one of its own it would not see
    the test's rows, and on SQLite it would wait out the lock the open transaction holds."""
    from jobs.timers import timers

    test_connection = connections["default"]
    schedule = timers.call_at

    def through_the_test_connection(callback):
        def call():
            if not test_connection.in_atomic_block:
                return callback()
            test_connection.inc_thread_sharing()
            connections["default"] = test_connection
            try:
                return callback()
            finally:
                del connections["default"]
                test_connection.dec_thread_sharing()
        return call

    monkeypatch.setattr(timers, "call_at", lambda key, when, callback: schedule(key, when, through_the_test_connection(callback)))


@pytest.fixture
def make_user(db):
    def make(username="ada", password=PASSWORD, **extra):
        return get_user_model().objects.create_user(username=username, password=password, **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user("ada")


@pytest.fixture
def other_user(make_user):
    return make_user("bob")


@pytest.fixture
def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def eager_jobs(settings):
    """Run job handlers synchronously inside ``submit_job``."""
    settings.MOTIF_JOBS_EAGER = True
    return settings


def error_text(response, field):
    """The sentences of an API error: ``detail`` (413, 415, ...) or the messages of ``field`` (400)."""
    body = response.json()
    return body["detail"] if "detail" in body else " ".join(body[field])
