"""axe-core on every page, in both themes and both languages: no serious or critical violations.

Each page is swept twice, light in English and dark in Chinese: every theme and every language meets
every page (colours do not depend on the language, words not on the theme), in half the time of all
four pairings.

axe is injected through ``page.evaluate`` (the DevTools protocol), which the site's
Content-Security-Policy does not govern, so the pages run under their real CSP."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from jobs.models import Job
from jobs.usage import record_model_call
from tests.conftest import PASSWORD
from tests.e2e.pages import ANONYMOUS_PAGES, seed_site

pytestmark = pytest.mark.e2e
BLOCKING = {"serious", "critical"}
SWEEPS = [("light", "en"), ("dark", "zh-hans")]  # (theme, language)


def violations_on(page, axe, path):
    """Serious and critical violations on ``path``; lesser ones are printed for the record."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found = [(v["impact"], f"{path}: {v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['nodes'][0]['target']}")
             for v in axe.run(page).response["violations"]]
    for impact, line in found:
        if impact not in BLOCKING:
            print(line)
    return [line for impact, line in found if impact in BLOCKING]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_every_page_in_both_themes_and_languages(browser, live_url, user, settings, tmp_path):
    pages = seed_site(user, settings, tmp_path)
    axe = Axe()
    failures = []
    for theme, language in SWEEPS:
        context = browser.new_context(base_url=live_url, color_scheme=theme, viewport={"width": 1280, "height": 860})
        context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
        page = context.new_page()
        page.set_default_timeout(20000)
        for path in ANONYMOUS_PAGES:
            failures += [f"[{theme}, {language}] {v}" for v in violations_on(page, axe, path)]
        log_in(page, user)
        for path in pages:
            failures += [f"[{theme}, {language}] {v}" for v in violations_on(page, axe, path)]
        context.close()
    assert not failures, "Serious or critical accessibility violations:\n" + "\n".join(failures)


def test_operations_page_for_staff(page, make_user, live_url):
    """The staff-only /ops/ page (not in the sweep above, whose user is not staff), in both languages."""
    staff = make_user("conductor", is_staff=True)
    job = Job.objects.create(owner=staff, kind="studio.generate", queue="gpu", status=Job.Status.RUNNING,
                             worker="gpu-box:42")
    record_model_call(job, "vae", 0.02, batch_size=8, wait_ms=3.0)
    log_in(page, staff)
    axe = Axe()
    assert not violations_on(page, axe, "/ops/")
    expect(page.get_by_role("row", name="gpu-box:42")).to_be_visible()
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_url}])
    assert not violations_on(page, axe, "/ops/")
    expect(page.get_by_role("heading", name="运维", exact=True)).to_be_visible()
