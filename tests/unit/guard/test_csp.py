"""The Content-Security-Policy header, and templates that keep to it (no inline script or style)."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted(p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def policy(response):
    return dict(
        (directive.split()[0], directive.split()[1:])
        for directive in response["Content-Security-Policy"].split(";")
    )


@pytest.mark.django_db
def test_pages_send_a_policy_without_inline_script_or_eval(client):
    directives = policy(client.get("/accounts/login/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # no nonce on a page that uses none
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_studio_import_map_carries_the_nonce_of_its_page(client, user):
    client.force_login(user)
    response = client.get("/studio/")
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]
    assert nonce not in client.get("/studio/")["Content-Security-Policy"]  # a new one per response


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_or_style_attribute(template):
    text = template.read_text()
    assert not re.search(r"\sstyle\s*=", text), "style attribute: use a class or a data attribute (static/js/ui.js)"
    for tag in SCRIPT_TAG.findall(text):
        data_only = 'type="application/json"' in tag  # never executed, so outside the policy
        assert "src=" in tag or "nonce=" in tag or data_only, f"inline script without a nonce: {tag}"
    assert "<style" not in text, "inline <style>: move it to a static CSS file"
