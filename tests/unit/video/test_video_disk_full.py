"""A video job whose results do not fit on the disk fails with a sentence and keeps nothing."""
import errno
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from perception.video.models import VideoReport


def test_disk_full_while_saving_the_images_fails_the_job_cleanly(api_client, eager_jobs, settings, tmp_path,
                                                                 beat_clip, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    real_save = FileSystemStorage._save

    def fills_up_on_images(self, name, content):
        if name.endswith((".png", ".jpg")):
            Path(self.path(name)).parent.mkdir(parents=True, exist_ok=True)
            with open(self.path(name), "wb") as fh:
                fh.write(b"half")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", fills_up_on_images)
    upload = SimpleUploadedFile("clip.mp4", Path(beat_clip.path).read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/perception/videos/", {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("The server ran out of disk space")
    assert not VideoReport.objects.exists()
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []
