"""Disk full for media: a real worker, media on a 1 MB tmpfs filled to the brim, a video job that has to
write its images. It fails with a sentence; nothing is half written; the rows agree; a second try after
space is freed succeeds."""
import time

import httpx
import pytest

from tests.conftest import require
from tests.integration import stack

pytestmark = pytest.mark.integration
TERMINAL = {"succeeded", "failed", "cancelled"}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    from perception.video.analysis.synthetic import ShotSpec, make_clip

    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", [ShotSpec(30), ShotSpec(30), ShotSpec(30)],
                     fps=30, bpm=100).path


@pytest.fixture
def site_on_tiny_disk(tmp_path):
    """Distributed Motif with MOTIF_MEDIA_ROOT on a 1 MB tmpfs; the worker starts only when asked."""
    require(stack.redis_available(), f"Redis is not reachable at {stack.REDIS_TEST_URL}")
    require(stack.postgres_available(), f"PostgreSQL is not reachable at {stack.POSTGRES_ADMIN_URL}")
    require(stack.tmpfs_mountable(), "cannot mount a tmpfs here (needs root); the disk-full test needs one")
    stack.flush_redis()
    with stack.tiny_tmpfs(tmp_path / "media", "1m") as media, stack.postgres_database() as database_url:
        env = stack.base_env(tmp_path, DATABASE_URL=database_url, REDIS_URL=stack.REDIS_TEST_URL,
                             MOTIF_MEDIA_ROOT=media)
        stack.manage(env, "migrate", "--noinput", "-v0")
        token = stack.create_user(env, "alice", "pw-Motif-123")
        with stack.asgi_server(env, tmp_path / "web.log") as url:
            client = httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=30)
            yield {"client": client, "env": env, "media": media, "logs": tmp_path}


def upload(client, path):
    with open(path, "rb") as fh:
        response = client.post("/api/perception/videos/", files={"file": ("clip.mp4", fh, "video/mp4")})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def wait_for(client, job_id, timeout=180):
    deadline = time.monotonic() + timeout
    job = client.get(f"/api/jobs/{job_id}/").json()
    while job["status"] not in TERMINAL:
        assert time.monotonic() < deadline, f"job stuck in {job['status']}"
        time.sleep(0.5)
        job = client.get(f"/api/jobs/{job_id}/").json()
    return job


def media_files(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def test_disk_full_fails_the_job_in_words_and_keeps_nothing(site_on_tiny_disk, clip):
    site, client, media = site_on_tiny_disk, site_on_tiny_disk["client"], site_on_tiny_disk["media"]
    job_id = upload(client, clip)
    [stored] = media_files(media)  # the upload, waiting for a worker
    filler = stack.fill_disk(media)
    with stack.celery_worker(site["env"], site["logs"] / "worker.log"):
        job = wait_for(client, job_id)
        assert job["status"] == "failed", job
        assert job["error"].startswith("The server ran out of disk space"), job["error"]
        assert client.get("/api/perception/videos/").json()["count"] == 0
        assert media_files(media) == [filler.name], "a half-written or orphaned file was left"
        assert client.get("/").status_code == 200

        filler.unlink()
        second = wait_for(client, upload(client, clip))
        assert second["status"] == "succeeded", second
    reports = client.get("/api/perception/videos/").json()
    assert reports["count"] == 1
    files = media_files(media)
    assert len(files) == 3 and stored not in files and not any(".motif-tmp-" in f for f in files), files
    record = client.get(reports["results"][0]["url"]).json()
    sheet = client.get(record["contact_sheet"])
    assert sheet.status_code == 200 and sheet.content.startswith(b"\x89PNG")
