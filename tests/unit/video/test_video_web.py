"""Django side: the API (202 + job), probe-before-queue with nothing half-saved, pages, files,
export, deletion, the job's cancellation, and the analyze_video command."""

import json
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from jobs.errors import JobCancelled
from jobs.models import Job
from perception.video import services as video_services
from perception.video.models import VideoReport
from perception.video.analysis.synthetic import make_audio_only
from tests.conftest import error_text

API = "/api/perception/videos/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def _upload(path, name=None):
    return SimpleUploadedFile(name or Path(path).name, Path(path).read_bytes(), content_type="video/mp4")


@pytest.fixture
def saved(api_client, eager_jobs, media, beat_clip, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the images are renamed into place on commit
        response = api_client.post(API, {"file": _upload(beat_clip.path), "title": "Night drive"},
                                   format="multipart")
    assert response.status_code == 202, response.content
    return response


def test_upload_answers_202_and_saves_the_report(saved, user, media):
    job = saved.json()
    assert job["kind"] == "perception.video" and job["status"] == "succeeded"
    assert Job.objects.get(pk=job["id"]).queue == "gpu"
    record = VideoReport.objects.get(pk=job["result"]["report_id"])
    assert record.owner == user and record.title == "Night drive"
    assert len(record.report["shots"]) == 7 and record.report["tempo_bpm"]
    assert len(_files(media)) == 3  # the video, the contact sheet, the keyframe strip


def test_list_detail_export_and_contact_sheet(saved, api_client):
    listing = api_client.get(API).json()
    assert listing["count"] == 1 and listing["results"][0]["summary"]["shots"] == 7
    detail = api_client.get(listing["results"][0]["url"]).json()
    assert {"duration", "shots", "cuts", "beats", "cuts_on_beat_ratio"} <= set(detail["report"])
    export = api_client.get(detail["export"])
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    assert json.loads(export.content)["title"] == "Night drive"
    sheet = api_client.get(detail["contact_sheet"])
    assert sheet["Content-Type"] == "image/png" and b"".join(sheet.streaming_content)[:4] == b"\x89PNG"


@pytest.mark.parametrize("kind, status", [
    ("text", 415), ("audio", 400), ("truncated", 400), ("too_big", 413), ("too_long", 400), ("extension", 415),
])
def test_bad_uploads_are_refused_before_queueing(kind, status, api_client, media, settings, tmp_path, beat_clip):
    name = "clip.mp4"
    if kind == "text":
        data = b"not a video at all\n" * 100
    elif kind == "audio":
        data = make_audio_only(tmp_path / "song.mp4").read_bytes()
    elif kind == "truncated":
        full = beat_clip.path.read_bytes()
        data = full[: len(full) // 2]
    elif kind == "too_big":
        settings.MOTIF_MAX_UPLOAD_MB = 0.01
        data = beat_clip.path.read_bytes()
    elif kind == "too_long":
        settings.MOTIF_MAX_VIDEO_SECONDS = 5  # the clip lasts 8 s
        data = beat_clip.path.read_bytes()
    else:
        data, name = beat_clip.path.read_bytes(), "clip.exe"
    response = api_client.post(API, {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == status
    assert error_text(response, "file").endswith(".")
    assert not Job.objects.exists() and not VideoReport.objects.exists()
    assert _files(media) == []


def test_other_users_reports_are_404(saved, api_client, other_user):
    record = VideoReport.objects.get()
    api_client.force_authenticate(other_user)
    assert api_client.get(f"{API}{record.pk}/").status_code == 404
    assert api_client.delete(f"{API}{record.pk}/").status_code == 404
    assert api_client.get(API).json()["count"] == 0


def test_delete_removes_the_files(saved, api_client, media, django_capture_on_commit_callbacks):
    record = VideoReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        assert api_client.delete(f"{API}{record.pk}/").status_code == 204
    assert not VideoReport.objects.exists()
    assert _files(media) == []


def test_pages_player_range_and_delete(saved, client, user, media):
    client.force_login(user)
    record = VideoReport.objects.get()
    listing = client.get(reverse("perception:video_list"))
    assert listing.status_code == 200 and b"Night drive" in listing.content
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200 and b'id="video-report"' in page.content
    partial = client.get(reverse("perception:video_file", args=[record.pk]), HTTP_RANGE="bytes=0-99")
    assert partial.status_code == 206 and len(partial.content) == 100
    assert partial["Content-Range"].startswith("bytes 0-99/")
    assert client.get(reverse("perception:video_keyframes", args=[record.pk]))["Content-Type"] == "image/jpeg"
    response = client.post(reverse("perception:video_delete", args=[record.pk]))
    assert response.status_code == 302 and not VideoReport.objects.exists()


def test_report_page_shows_how_shots_were_entered(saved, client, user):
    client.force_login(user)
    record = VideoReport.objects.get()
    assert [s["entered_by"] for s in record.report["shots"]] == ["start"] + ["cut"] * 6
    page = client.get(record.get_absolute_url()).content.decode()
    assert '<li id="transition-counts-cut">Cuts<b>6</b></li>' in page
    assert '<li id="transition-counts-dissolve">Dissolves<b>0</b></li>' in page
    assert 'data-entered-dissolve="after a dissolve"' in page
    # A report made before transitions had kinds still renders, without the counts.
    record.report = {k: v for k, v in record.report.items() if k != "transition_counts"}
    record.save()
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200 and b"transition-counts-cut" not in page.content


def test_page_upload_form_refuses_a_text_file(client, user, media):
    client.force_login(user)
    upload = SimpleUploadedFile("notes.mp4", b"hello\n" * 50)
    response = client.post(reverse("perception:video_list"), {"file": upload, "detector": "adaptive"})
    assert response.status_code == 400
    assert "content is not an MP4 video" in response.content.decode()
    assert _files(media) == []


def test_cancelled_job_keeps_nothing(media, user, beat_clip):
    stored = video_services.default_storage.save("perception/videos/uploads/c.mp4", _upload(beat_clip.path))
    calls = []

    def report(percent, message=""):
        calls.append(percent)
        if len(calls) > 2:
            raise JobCancelled()

    job = Job.objects.create(owner=user, kind="perception.video", params={"path": stored, "title": "x"})
    ctx = SimpleNamespace(params=job.params, job=job, report=report)
    with pytest.raises(JobCancelled):
        video_services.run_job(ctx)
    assert not VideoReport.objects.exists()
    assert _files(media) == []


def test_data_export_includes_video_reports(saved, user):
    from perception.exports import export_user_data

    data = export_user_data(user)
    assert data["video_reports"][0]["title"] == "Night drive"


def test_analyze_video_command_prints_json(beat_clip, capsys, db):
    call_command("analyze_video", str(beat_clip.path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert len(report["cuts"]) == 6 and report["cuts_on_beat_ratio"] == pytest.approx(4 / 6, abs=1e-3)


def test_analyze_video_command_refuses_bad_input(tmp_path, db):
    from django.core.management.base import CommandError

    path = tmp_path / "x.mp4"
    path.write_text("nope")
    with pytest.raises(CommandError, match="not a video"):
        call_command("analyze_video", str(path), "--json")


def test_upload_of_a_job_cancelled_while_queued_is_swept(media, user, beat_clip):
    from jobs.services import cancel_job
    from motif import media_sweep

    stored = video_services.default_storage.save("perception/videos/uploads/q.mp4", _upload(beat_clip.path))
    job = Job.objects.create(owner=user, kind="perception.video", params={"path": stored})
    assert media_sweep.sweep(max_age_seconds=0)["unreferenced"] == 0  # still queued: kept
    cancel_job(job)
    assert media_sweep.sweep(max_age_seconds=0)["unreferenced"] == 1
    assert _files(media) == []


def test_a_2x2_pixel_video_is_refused_in_the_request(api_client, media, tmp_path):
    path = tmp_path / "tiny.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width = stream.height = 2
        for i in range(30):
            frame = av.VideoFrame.from_ndarray(np.zeros((2, 2, 3), np.uint8), format="bgr24")
            frame.pts, frame.time_base = i, Fraction(1, 30)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    response = api_client.post(API, {"file": _upload(path)}, format="multipart")
    assert response.status_code == 400
    assert "2x2 pixels" in error_text(response, "file")
    assert not Job.objects.exists() and _files(media) == []
