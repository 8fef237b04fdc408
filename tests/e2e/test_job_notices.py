"""A job that finishes while a person is on another page says so, and its notice opens the result."""
import time

import pytest
from playwright.sync_api import expect

from jobs.registry import job_handler
from jobs.services import submit_job

pytestmark = pytest.mark.e2e


@job_handler("tests.makes_a_page", queue="cpu")
def makes_a_page(ctx):
    """Runs long enough for the page to see it running, then points at the library."""
    for step in range(1, 4):
        time.sleep(0.5)
        ctx.report(step * 30, "")
    return {"url": "/studio/library/"}


def test_a_finished_job_notice_opens_its_result(logged_in_page, user):
    page = logged_in_page
    page.goto("/analyze/")
    page.wait_for_timeout(800)  # the page's job socket connects
    submit_job(user, "tests.makes_a_page", {})
    notice = page.locator("#job-notices .job-notice")
    expect(notice).to_be_visible(timeout=20000)
    notice.locator("a").click()
    page.wait_for_url("**/studio/library/")


def test_jobs_page_row_links_to_the_result_once_done(logged_in_page, user):
    page = logged_in_page
    page.goto("/jobs/")
    expect(page.locator("#socket-status")).to_have_text("Live")
    submit_job(user, "tests.makes_a_page", {})
    link = page.locator("tr[data-job-id] [data-field=result]").first
    expect(link).to_be_visible(timeout=20000)
    assert link.get_attribute("href") == "/studio/library/"
