"""Under DJANGO_HTTPS=1 every cookie the site sets is Secure, SameSite=Lax and, unless scripts
must read it, HttpOnly: checked on the Set-Cookie headers of real responses."""
import os
import runpy
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SETTINGS_FILE = Path(__file__).resolve().parents[3] / "motif" / "settings.py"
COOKIE_SETTING_PREFIXES = ("SESSION_", "CSRF_", "LANGUAGE_COOKIE_", "SECURE_")
READ_BY_SCRIPTS = {"csrftoken"}  # static/js/api.js sends it back as X-CSRFToken
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https", "secure": True}


@pytest.fixture
def production_cookie_settings(settings, tmp_path, monkeypatch):
    """Evaluate motif/settings.py as production would (DJANGO_HTTPS=1) and apply its cookie and
    HTTPS settings to this test."""
    monkeypatch.setenv("DJANGO_HTTPS", "1")
    monkeypatch.setenv("MOTIF_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 60)
    production = runpy.run_path(str(SETTINGS_FILE))
    for name, value in production.items():
        if name.startswith(COOKIE_SETTING_PREFIXES):
            setattr(settings, name, value)
    assert os.environ["DJANGO_HTTPS"] == "1" and settings.SESSION_COOKIE_SECURE


def test_every_cookie_is_secure_samesite_and_httponly_where_possible(client, production_cookie_settings):
    responses = [
        client.get("/accounts/signup/", **HTTPS),  # csrftoken
        client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, **HTTPS),  # django_language
        client.post("/accounts/signup/", {  # sessionid, and the welcome message in the messages cookie
            "username": "ines", "password1": PASSWORD, "password2": PASSWORD}, **HTTPS),
    ]
    headers = {}
    for response in responses:
        assert response.status_code in (200, 302), response.status_code
        for name, morsel in response.cookies.items():
            headers[name] = morsel.output(header="").strip()
    assert set(headers) == {"csrftoken", "django_language", "sessionid", "messages"}
    for name, header in headers.items():
        attributes = {part.strip().split("=")[0].lower(): part.strip() for part in header.split(";")[1:]}
        assert "secure" in attributes, header
        assert attributes.get("samesite") == "SameSite=Lax", header
        assert ("httponly" in attributes) == (name not in READ_BY_SCRIPTS), header
