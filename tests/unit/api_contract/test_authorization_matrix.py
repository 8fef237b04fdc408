"""Authorization matrix generated from the URL conf: every URL, pages and API, every method.

Each URL pattern is in exactly one list below; a new one in none of them fails the test ("add it to
the matrix"). Path parameters are filled with user A's objects (one of each kind), so:
- anonymous requests are refused (API: 401/403; pages: a redirect to the login page), except PUBLIC;
- user B gets 403/404 (or 405) on A's objects for every method, and A's objects survive it;
- the same URLs answer A (not 403/404), so the made-up parameters really point at A's objects.
"""
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import ApiToken
from jobs.models import Job
from motif.routing import websocket_urlpatterns
from perception.lyrics.models import LyricReport
from perception.video.models import VideoReport
from recommender.models import Item
from studio.models import Origin, Sketch
from tests.unit.studio_web.studio_factories import melody_score

METHODS = ["get", "post", "put", "patch", "delete"]

# Anyone may open these, and why.
PUBLIC = {
    "home": "the landing page",
    "favicon.ico": "a redirect to a static icon",
    "login": "signing in", "logout": "signing out works signed out too",
    "accounts:signup": "creating an account",
    "password_reset": "a forgotten password", "password_reset_done": "its confirmation page",
    "password_reset_confirm": "the emailed link (its token is the credential)",
    "password_reset_complete": "its last page",
    "set_language": "choosing the language before signing in",
    "javascript-catalog": "translations for the pages' scripts",
    "schema": "the API's OpenAPI document", "api-docs": "the API's documentation page",
    "studio:soundfont": "the General MIDI SoundFont the player loads (GPL-2, shipped with the site)",
    "perception:index": "a page of links to the analyses",
}

# Signed-in users only; no object of another user in the URL (each user sees their own data).
SIGNED_IN = {
    "password_change", "password_change_done",
    "accounts:profile", "accounts:tokens", "accounts:download_data", "accounts:delete",
    "jobs:list", "jobs:demo", "job-list",
    "studio:generate", "studio:library", "studio:vary", "studio:interpolate", "studio:harmonize",
    "studio-generate", "studio-vary", "studio-interpolate", "studio-harmonize",
    "studio-sketch-list", "studio-sketch-export",
    "recommender:feed", "recommender:onboarding", "recommender-api:feed", "recommender-api:events",
    "perception:lyrics_list", "perception:lyrics_compare", "perception:video_list",
    "perception_api:lyrics-list", "perception_api:lyrics-compare", "perception_api:videos-list",
}

# URLs naming one of A's objects: which kind.
OWNED = {
    "accounts:revoke_token": "token",
    "job-detail": "job", "job-cancel": "job",
    "studio:edit": "sketch", "studio:score": "sketch",
    "studio-sketch-detail": "sketch", "studio-sketch-midi": "sketch", "studio-sketch-musicxml": "sketch",
    "studio-sketch-versions": "sketch", "studio-sketch-wav": "sketch", "studio-sketch-chords": "sketch",
    "perception:lyrics_detail": "lyric", "perception:lyrics_delete": "lyric", "perception:lyrics_export": "lyric",
    "perception_api:lyrics-detail": "lyric", "perception_api:lyrics-export": "lyric",
    "perception:video_detail": "video", "perception:video_file": "video", "perception:video_keyframes": "video",
    "perception:video_contact_sheet": "video", "perception:video_export": "video", "perception:video_delete": "video",
    "perception_api:videos-detail": "video", "perception_api:videos-contact-sheet": "video",
    "perception_api:videos-export": "video",
}

# Signed-in users may all open these objects, and why.
SHARED = {
    "recommender:item": "catalogue items are what the feed recommends to everybody",
    "recommender:item-midi": "the same catalogue item's MIDI",
    "recommender:item-preview": "the same catalogue item's notes (a sketch only while it is public)",
    "recommender-api:similar": "the same catalogue, through the API",
}

# Django's admin: staff only (its own login page is public).
ADMIN_PUBLIC = {"admin:login": "the admin's sign-in page", "admin:logout": "signing out of the admin"}

# WebSocket routes (outside the URL conf) and the tests that check who may connect.
WEBSOCKETS = {"ws/jobs/": "tests/unit/foundation/test_consumer.py: anonymous closed with 4401, own events only"}

PARAMETER = re.compile(r"<(?:\w+:)?(?P<converter_name>\w+)>|\(\?P<(?P<group_name>\w+)>[^)]*\)")


def endpoints(resolver=None, prefix="", namespace=""):
    """``(key, route)`` for every URL pattern: key is the namespaced name, or the route if unnamed."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from endpoints(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield (namespace + pattern.name if pattern.name else route), route


def path_of(route: str, value) -> str:
    """A concrete path for ``route`` with every parameter set to ``value``."""
    path = PARAMETER.sub(str(value), route)
    return "/" + path.replace("^", "").replace("$", "")


def is_admin(key: str, route: str) -> bool:
    return key.startswith("admin:") or route.startswith("admin/")


@pytest.fixture
def objects_of_a(make_user, settings, tmp_path):
    """User A with one object of each kind; returns ``(a, {kind: object})``."""
    settings.MEDIA_ROOT = tmp_path
    a = make_user("alice")
    sketch = Sketch(owner=a, title="Private tune", origin=Origin.GENERATED)
    sketch.set_score(melody_score())
    sketch.save()
    video = VideoReport.objects.create(owner=a, title="Clip", report={"shots": []},
                                       file=ContentFile(b"\x00" * 64, name="clip.mp4"),
                                       contact_sheet=ContentFile(b"png", name="sheet.png"),
                                       keyframes=ContentFile(b"jpg", name="strip.jpg"))
    return a, {
        "token": ApiToken.issue(a, "script")[0],
        "job": Job.objects.create(owner=a, kind="jobs.noop"),
        "sketch": sketch,
        "lyric": LyricReport.objects.create(owner=a, text="la la la", status=LyricReport.Status.READY,
                                            report={}),
        "video": video,
        "item": Item.objects.create(kind="track", source="music21", external_id="x", title="Air"),
    }


def test_every_url_is_in_the_matrix():
    listed = set(PUBLIC) | SIGNED_IN | set(OWNED) | set(SHARED)
    missing = [key for key, route in endpoints() if key not in listed and not is_admin(key, route)]
    assert not missing, f"add it to the matrix in {__file__}: {missing}"
    known = {key for key, _route in endpoints()}
    assert listed <= known, f"no longer in the URL conf: {sorted(listed - known)}"


def test_every_websocket_route_is_in_the_matrix():
    assert {str(route.pattern) for route in websocket_urlpatterns} == set(WEBSOCKETS), "add it to WEBSOCKETS"


def _refused_anonymously(response, route: str) -> bool:
    if route.startswith("api/"):
        return response.status_code in (401, 403)
    login = resolve_url(settings.LOGIN_URL)
    return response.status_code == 302 and response["Location"].startswith(login)


def test_anonymous_requests_are_refused(objects_of_a):
    _a, objects = objects_of_a
    client = Client()
    leaks = []
    for key, route in endpoints():
        if key in PUBLIC or is_admin(key, route):
            continue
        kind = OWNED.get(key) or SHARED.get(key) and "item"
        path = path_of(route, objects[kind].pk if kind else 1)
        for method in METHODS:
            response = getattr(client, method)(path)
            if not _refused_anonymously(response, route):
                leaks.append(f"{method.upper()} {path}: {response.status_code}")
    assert not leaks, "anonymous requests answered:\n" + "\n".join(leaks)


def test_another_user_cannot_reach_or_change_a_users_objects(objects_of_a, make_user):
    a, objects = objects_of_a
    owner, intruder = Client(), Client()
    owner.force_login(a)
    intruder.force_login(make_user("bob"))
    leaks, unreachable = [], []
    routes = dict(endpoints())
    for key, kind in OWNED.items():
        path = path_of(routes[key], objects[kind].pk)
        for method in METHODS:
            response = getattr(intruder, method)(path, content_type="application/json")
            if response.status_code not in (403, 404, 405):
                leaks.append(f"{method.upper()} {path}: {response.status_code}")
        if owner.get(path).status_code in (403, 404):
            unreachable.append(path)
    assert not leaks, "another user's object answered:\n" + "\n".join(leaks)
    assert not unreachable, f"the owner cannot open these, so the test proves nothing: {unreachable}"
    for kind, row in objects.items():
        assert type(row).objects.filter(pk=row.pk).exists(), f"B's requests removed A's {kind}"


def test_admin_is_for_staff_only(make_user):
    signed_in = Client()
    signed_in.force_login(make_user("bob"))
    leaks = []
    for key, route in endpoints():
        if not is_admin(key, route) or key in ADMIN_PUBLIC:
            continue
        path = path_of(route, 1)
        for client, method in ((Client(), "get"), (signed_in, "get"), (signed_in, "post")):
            response = getattr(client, method)(path)
            to_login = response.status_code == 302 and "/admin/login/" in response["Location"]
            if not (to_login or response.status_code == 404):
                leaks.append(f"{method.upper()} {path}: {response.status_code}")
    assert not leaks, "the admin answered a non-staff request:\n" + "\n".join(leaks)
