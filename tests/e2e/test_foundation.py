"""A person signs up, logs in, switches language and watches a job finish."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_signup_login_language_and_live_job(page, screenshot):
    page.goto("/")
    screenshot(page, "foundation-home")
    page.click("text=Sign up")
    page.fill("input[name=username]", "grace")
    page.fill("input[name=display_name]", "Grace")
    page.check("input[name=instruments][value=violin]")
    page.check("input[name=genres][value=folk]")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    screenshot(page, "foundation-signup")
    page.click("main button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Welcome to Motif, Grace")

    page.click("summary:has-text('Grace')")
    page.click("text=Log out")
    expect(page.locator("header")).to_contain_text("Log in")
    page.click("header >> text=Log in")
    page.fill("input[name=username]", "grace")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("summary")).to_contain_text("Grace")

    page.select_option("#language-select", "zh-hans")
    expect(page.locator("nav.main-nav")).to_contain_text("作业")
    screenshot(page, "foundation-home-zh")
    page.select_option("#language-select", "en")
    expect(page.locator("nav.main-nav")).to_contain_text("Jobs")

    page.click("nav >> text=Jobs")
    expect(page.locator("#socket-status")).to_have_text("Live")
    page.click("#demo-job")
    row = page.locator("tr[data-job-id]").first
    expect(row.locator("[data-field=progress]")).not_to_have_text("0%", timeout=10000)
    screenshot(page, "foundation-job-running")
    expect(row).to_have_attribute("data-status", "succeeded", timeout=20000)
    expect(row.locator("[data-field=progress]")).to_have_text("100%")
    assert re.search(r"width: 100%", row.locator(".progress span").get_attribute("style"))
    screenshot(page, "foundation-job-done")
