"""Phones (390x844): no page scrolls sideways, the lyric column and the piano roll get room, the editor
works by touch (long-press adds a note). Screenshots go to tests/artifacts/phone-*.png."""
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import REPORT_CSP_VIOLATIONS, is_csp_violation
from tests.e2e.pages import seed_site

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_url, user, settings, tmp_path):
    """A logged-in touch-screen page at 390x844 on a seeded site; fails on any CSP violation."""
    pages = seed_site(user, settings, tmp_path)
    context = browser.new_context(base_url=live_url, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(20000)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if is_csp_violation(m) else None)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.seeded = pages
    yield page
    context.close()
    assert not violations, violations


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_page_scrolls_sideways(phone, screenshot):
    wide = []
    for path in phone.seeded:
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
        name = path.strip("/").replace("/", "-").split("?")[0] or "home"
        screenshot(phone, f"phone-{name}")
        if page_width(phone) > PHONE["width"]:
            wide.append(f"{path}: {page_width(phone)} px")
    assert not wide, "Pages wider than the phone:\n" + "\n".join(wide)


def test_lyric_column_gets_the_width(phone):
    report = next(p for p in phone.seeded if p.startswith("/analyze/lyrics/") and p.rstrip("/").split("/")[-1].isdigit())
    phone.goto(report)
    width = phone.evaluate("document.querySelector('.lyric-line .text').getBoundingClientRect().width")
    assert width >= 250, f"the lyric column is {width:.0f} px wide"


def test_editor_by_touch(phone):
    editor = next(p for p in phone.seeded if p.startswith("/studio/sketches/"))
    phone.goto(editor)
    roll = phone.locator("#editor canvas.roll")
    expect(roll).to_be_visible()
    steps = phone.evaluate("document.querySelector('#editor canvas.roll').getBoundingClientRect().width") / 32
    assert steps >= 14, f"{steps:.1f} px per 16th note"
    expect(phone.locator("#editor .roll-strip")).to_be_visible()
    expect(phone.locator("#editor .roll-readout")).to_contain_text("C")
    before = phone.evaluate("document.querySelector('[data-undo]').disabled")
    roll.scroll_into_view_if_needed()
    box = roll.bounding_box()  # in the viewport's coordinates, as touch events are
    x, y = box["x"] + 20, box["y"] + 10  # high on the roll, where the melody has no notes
    assert phone.evaluate(f"document.elementFromPoint({x}, {y}).matches('#editor canvas.roll')")
    cdp = phone.context.new_cdp_session(phone)
    point = [{"x": x, "y": y}]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point})
    phone.wait_for_timeout(700)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(phone.locator("[data-delete-note]")).to_be_enabled()
    assert before and not phone.evaluate("document.querySelector('[data-undo]').disabled")
    phone.click("[data-zoom='1']")
    wider = phone.evaluate("document.querySelector('#editor canvas.roll').getBoundingClientRect().width") / 32
    assert wider > steps
    assert page_width(phone) <= PHONE["width"]
