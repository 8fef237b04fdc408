"""Shared by the fuzz corpus tests: a logged-in HTTP client, a check that nothing was saved, and what a
refusal must look like (a 4xx with a sentence, within 2 s of CPU and 10 s of wall time). Test modules
import the fixtures."""
import random
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.test import Client

PROJECT_APPS = {"accounts", "jobs", "lyrics", "recommender", "studio", "video"}
MAX_SECONDS = 2.0
MAX_WALL_SECONDS = 10.0


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def web(user, media):
    """Django's test client, logged in, answering 500s as responses instead of raising."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _snapshot(media_root) -> tuple[dict, list]:
    rows = {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in PROJECT_APPS}
    root = Path(media_root)
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return rows, files


@pytest.fixture
def nothing_saved(web, media):
    """Asserts after the test that no row of the project's apps and no media file was added."""
    before = _snapshot(media)
    yield
    assert _snapshot(media) == before


def clock() -> tuple[float, float]:
    """(wall, CPU) seconds now: pass to :func:`assert_refused` as ``started``."""
    return time.perf_counter(), time.process_time()


def assert_refused(response, started: tuple[float, float], statuses=range(400, 500)) -> str:
    """A 4xx with a sentence (JSON or page), answered in under MAX_SECONDS of this process's CPU time
    (the test client serves the request in-process; wall time on a shared machine is not the server's
    cost) and under MAX_WALL_SECONDS of wall time (no hang). Returns the sentence."""
    wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert cpu < MAX_SECONDS, f"answered with {cpu:.2f} s of CPU"
    assert wall < MAX_WALL_SECONDS, f"answered after {wall:.2f} s"
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        sentences = [body["detail"]] if "detail" in body else [m for v in body.values() for m in
                                                                  (v if isinstance(v, list) else [v])]
        sentence = str(sentences[0])
    else:
        sentence = response.content.decode()
    assert sentence.strip() and "Traceback" not in sentence
    return sentence


def limit_bytes() -> int:
    return django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def random_bytes(n: int, seed: int) -> bytes:
    """``n`` reproducible junk bytes: the same corpus on every run."""
    return random.Random(seed).randbytes(n)
