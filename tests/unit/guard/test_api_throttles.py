"""Every API 429 says when to come back: DRF throttles (anon, user, jobs) and the active-job limit."""
import json

import pytest
from django.test import RequestFactory
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from jobs.errors import TooManyActiveJobs
from motif.ratelimits import RateLimitMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**scopes):
        settings.MOTIF_THROTTLE_RATES = {**settings.MOTIF_THROTTLE_RATES, **scopes}

    return set_rates


def assert_fair_429(response, most_seconds):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= most_seconds
    body = json.loads(response.content)
    assert body["retry_after"] == int(response["Retry-After"])
    assert body["detail"].endswith(".") and "HTTP" not in body["detail"]
    return body


def test_anonymous_requests_are_throttled_by_address(rates):
    rates(anon="2/m")
    client = APIClient()
    schema = "/api/schema/?format=json"
    assert [client.get(schema).status_code for _ in range(2)] == [200, 200]
    body = assert_fair_429(client.get(schema), 60)
    assert "Too many requests" in body["detail"]
    assert client.get(schema, REMOTE_ADDR="10.2.2.2").status_code == 200


def test_each_account_has_its_own_request_budget(rates, api_client, other_user):
    rates(user="3/m")
    assert [api_client.get("/api/jobs/").status_code for _ in range(3)] == [200] * 3
    assert_fair_429(api_client.get("/api/jobs/"), 60)
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get("/api/jobs/").status_code == 200


def test_job_submissions_have_their_own_scope(rates, api_client):
    rates(jobs="2/h")
    for _ in range(2):
        assert api_client.post("/api/jobs/", {}, format="json").status_code == 400  # counted all the same
    assert_fair_429(api_client.post("/api/jobs/", {}, format="json"), 3600)
    assert api_client.get("/api/jobs/").status_code == 200  # reading is another scope


def test_the_active_job_limit_is_a_429_with_retry_after(settings, api_client):
    settings.MOTIF_MAX_ACTIVE_JOBS_PER_USER = 0
    body = assert_fair_429(api_client.post("/api/jobs/", {"kind": "jobs.noop", "params": {}}, format="json"), 30)
    assert "jobs waiting or running" in body["detail"]


@pytest.fixture
def page_request(user):
    request = RequestFactory().get("/studio/")
    request.user = user
    return request


def test_a_page_that_leaves_the_active_job_limit_unhandled_gets_a_429_page(page_request):
    response = RateLimitMiddleware(lambda request: None).process_exception(page_request, TooManyActiveJobs(4))
    assert response.status_code == 429 and int(response["Retry-After"]) == 30
    assert "4 jobs waiting or running" in response.content.decode()


def test_every_operation_that_answers_202_is_in_the_jobs_scope(settings):
    """A new job-submitting endpoint (documented with a 202) must be named in MOTIF_JOB_SUBMIT_VIEWS."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    submitting = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "202" in operation.get("responses", {}):
                assert method == "post", f"{method} {path}"
                submitting.add(resolve(path.replace("{id}", "1")).view_name)
    assert submitting == set(settings.MOTIF_JOB_SUBMIT_VIEWS)
