"""A real ASGI server in embedded mode and Playwright on Debian's Chromium."""
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, require

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = os.environ.get("MOTIF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_url(transactional_db, settings):
    """Serve the site from a uvicorn server in a thread of this process (embedded mode)."""
    import uvicorn

    settings.MOTIF_JOBS_EAGER = False
    settings.MOTIF_WARM_UP = False
    from motif.asgi import application

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off", log_level="warning", ws="websockets-sansio")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("The test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Playwright's sync API keeps an event loop in the test
    thread while it runs; the tests' own ORM calls happen between its calls, never during
    them, so Django's async-safety check is relaxed for exactly that span."""
    require(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# Reports each Content-Security-Policy violation of a page on its console (the browser also
# logs "Refused to ..." there, but not for every kind of violation).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


def wait_for_js(page, expression, timeout=20000):
    """Poll ``expression`` (awaited if a promise) until it is truthy, within ``timeout`` ms.

    Playwright's ``wait_for_function`` evaluates its expression with eval() inside the page,
    which the site's CSP refuses; ``page.evaluate`` goes through the DevTools protocol, which
    the CSP does not govern. The ``page`` fixture installs this in its place."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise PlaywrightTimeoutError(f"Timeout {timeout} ms waiting for: {expression}")
        page.wait_for_timeout(100)


def is_csp_violation(message):
    text = message.text
    return text.startswith("CSP violation:") or "Content Security Policy" in text


@pytest.fixture
def page(browser, live_url):
    """A fresh browser page; the test fails if any page it visits violates the site's CSP."""
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 860})
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.wait_for_function = lambda expression, timeout=20000: wait_for_js(page, expression, timeout)
    violations = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if is_csp_violation(message) else None)
    page.csp_violations = violations
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def login():
    """``login(page, user)`` logs ``user`` in through the real form."""

    def do_login(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.get_username())
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return do_login


@pytest.fixture
def logged_in_page(page, user, login):
    login(page, user)
    return page


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves ``tests/artifacts/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
