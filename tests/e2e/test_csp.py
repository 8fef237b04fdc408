"""Every main page, the API docs and the admin run under the site's CSP without a violation
(the ``page`` fixture fails the test on any; this test also checks the policy is sent)."""
import pytest
from playwright.sync_api import expect

from jobs.models import Job

pytestmark = pytest.mark.e2e

ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/no/such/page/"]
USER_PAGES = [
    "/studio/", "/studio/library/", "/studio/vary/", "/studio/interpolate/", "/studio/harmonize/",
    "/feed/", "/analyze/", "/analyze/lyrics/", "/analyze/videos/", "/jobs/",
    "/accounts/profile/", "/accounts/tokens/", "/accounts/password/change/",
]
ADMIN_PAGES = ["/admin/", "/admin/auth/user/", "/admin/jobs/job/", "/admin/auth/user/add/", "/ops/"]


def visit(page, path):
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, path
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, path
    return response


def test_main_pages_api_docs_and_admin_keep_to_the_policy(page, login, make_user):
    for path in ANONYMOUS_PAGES:
        visit(page, path)

    staff = make_user("clef", is_staff=True, is_superuser=True)
    Job.objects.create(owner=staff, kind="jobs.noop", status=Job.Status.SUCCEEDED, progress=100)
    login(page, staff)
    for path in USER_PAGES:
        visit(page, path)
    visit(page, "/jobs/")
    bar = page.locator("tr[data-job-id] .progress span").first
    assert bar.evaluate("el => el.style.width") == "100%"  # set from data-width: no style attribute

    visit(page, "/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_contain_text("Motif API")

    for path in ADMIN_PAGES:
        visit(page, path)
    visit(page, f"/admin/auth/user/{staff.pk}/change/")
    assert not page.csp_violations
