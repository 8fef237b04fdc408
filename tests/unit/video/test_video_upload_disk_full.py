"""A video upload that does not fit on the disk: 503 with a sentence, no job, no file."""
import errno
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job


@pytest.fixture
def full_disk(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"

    def no_space(self, name, content):
        Path(self.path(name)).parent.mkdir(parents=True, exist_ok=True)
        Path(self.path(name)).write_bytes(b"half a video")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", no_space)
    return settings.MEDIA_ROOT


def upload(beat_clip):
    return SimpleUploadedFile("clip.mp4", Path(beat_clip.path).read_bytes(), content_type="video/mp4")


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()]


def test_api_upload_on_a_full_disk_is_503_in_words(api_client, full_disk, beat_clip):
    response = api_client.post("/api/perception/videos/", {"file": upload(beat_clip)}, format="multipart")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The server ran out of disk space")
    assert not Job.objects.exists() and stored_files(full_disk) == []


def test_page_upload_on_a_full_disk_is_a_503_page(client, user, full_disk, beat_clip):
    client.force_login(user)
    response = client.post(reverse("perception:video_list"), {"file": upload(beat_clip), "detector": "adaptive"})
    assert response.status_code == 503 and response["Retry-After"]
    assert "ran out of disk space" in response.content.decode()
    assert not Job.objects.exists() and stored_files(full_disk) == []
