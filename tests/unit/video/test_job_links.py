"""A music-video analysis job links to its report."""
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jobs.models import Job
from perception.video.models import VideoReport
from tests.unit.job_links import assert_jobs_page_links_to_result


def test_video_job_links_to_its_report(api_client, eager_jobs, settings, tmp_path, beat_clip):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = SimpleUploadedFile("clip.mp4", Path(beat_clip.path).read_bytes(), content_type="video/mp4")
    response = api_client.post("/api/perception/videos/", {"file": upload, "title": "Night drive"}, format="multipart")
    report = VideoReport.objects.get()
    assert_jobs_page_links_to_result(Client(), Job.objects.get(pk=response.json()["id"]), f"/analyze/videos/{report.pk}/")
