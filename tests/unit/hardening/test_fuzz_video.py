"""Malformed videos, built here in code: each upload is a 4xx with a sentence within 2 s, and nothing is
saved (no report, no job, no stored file). Through the real API with Django's test client, and the page.
A file that reaches the job anyway (stored before a check existed) fails with a sentence, not a crash."""
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.errors import UserError
from jobs.models import Job
from perception.video import services as video_services
from perception.video.analysis.synthetic import make_audio_only
from tests.unit.hardening.fuzz_support import assert_refused, clock, media, nothing_saved, random_bytes, web  # noqa: F401 (fixtures)

API = "/api/perception/videos/"
PAGE = "/analyze/videos/"
FTYP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
EBML = b"\x1a\x45\xdf\xa3"
AVI = b"RIFF\x00\x10\x00\x00AVI LIST"


def _clip(folder: Path, name: str, frames=30, size=(64, 64), rate=30, pts=None, options=None) -> bytes:
    path = folder / name
    with av.open(str(path), "w", options=options or {}) as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((size[1], size[0], 3), i % 255, np.uint8), format="bgr24")
            frame.pts, frame.time_base = (pts[i] if pts else i), Fraction(1, rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path.read_bytes()


def _header_only(folder: Path) -> bytes:
    path = folder / "zero.mkv"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width = stream.height = 64
        out.start_encoding()
    return path.read_bytes()


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> bytes:
    """A sound 2-second 64x64 MP4 (the base for damaged variants)."""
    return _clip(tmp_path_factory.mktemp("good"), "good.mp4", frames=60)


def _cases(folder: Path, good: bytes) -> list[tuple[str, str, bytes, int]]:
    """(case, file name, bytes, expected status)."""
    faststart = _clip(folder, "fs.mp4", frames=150, options={"movflags": "faststart"})
    wrong_magic = good[:4] + b"junk" + good[8:]
    return [
        # Name and magic bytes, checked before anything is written.
        ("text renamed .mp4", "clip.mp4", b"verse, chorus, verse, bridge\n" * 40, 415),
        ("HTML renamed .mp4", "clip.mp4", b"<!DOCTYPE html><html><body>video</body></html>", 415),
        ("PNG renamed .mp4", "clip.mp4", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random_bytes(400, 1), 415),
        ("GIF renamed .mp4", "clip.mp4", b"GIF89a\x01\x00\x01\x00" + random_bytes(400, 2), 415),
        ("JPEG renamed .mov", "clip.mov", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random_bytes(400, 3), 415),
        ("MP3 renamed .mp4", "clip.mp4", b"ID3\x04\x00\x00\x00\x00\x00\x00" + random_bytes(400, 4), 415),
        ("WAV renamed .avi", "clip.avi", b"RIFF\x24\x00\x00\x00WAVEfmt " + random_bytes(400, 5), 415),
        ("PDF renamed .webm", "clip.webm", b"%PDF-1.4\n" + random_bytes(400, 6), 415),
        ("zip renamed .mkv", "clip.mkv", b"PK\x03\x04" + random_bytes(400, 7), 415),
        ("random bytes .mp4", "clip.mp4", random_bytes(4096, 8), 415),
        ("ftyp at offset 0", "clip.mp4", b"ftypmp42" + random_bytes(400, 9), 415),
        ("WebM magic in .mp4", "clip.mp4", EBML + random_bytes(400, 10), 415),
        ("MP4 magic in .webm", "clip.webm", FTYP + random_bytes(400, 11), 415),
        ("AVI magic in .mkv", "clip.mkv", AVI + random_bytes(400, 12), 415),
        ("real MP4 named .avi", "clip.avi", good, 415),
        ("real MP4 named .mkv", "clip.mkv", good, 415),
        ("real MP4, magic broken", "clip.mp4", wrong_magic, 415),
        ("extension .exe", "clip.exe", good, 415),
        ("extension .gif", "clip.gif", good, 415),
        ("no extension", "clip", good, 415),
        ("double extension", "clip.mp4.exe", good, 415),
        # Right magic, wrong content: the probe opens the container.
        ("empty file", "clip.mp4", b"", 400),
        ("ftyp box only", "clip.mp4", FTYP, 400),
        ("ftyp then random", "clip.mp4", FTYP + random_bytes(4096, 13), 400),
        ("ftyp then a huge box", "clip.mp4", FTYP + b"\xff\xff\xff\xffmoov" + random_bytes(64, 14), 400),
        ("QuickTime wide atom then random", "clip.mov", b"\x00\x00\x00\x08wide" + random_bytes(4096, 15), 400),
        ("EBML then random", "clip.mkv", EBML + random_bytes(4096, 16), 400),
        ("EBML then random, .webm", "clip.webm", EBML + random_bytes(4096, 17), 400),
        ("AVI header then random", "clip.avi", AVI + random_bytes(4096, 18), 400),
        ("header-only MKV (zero frames)", "clip.mkv", _header_only(folder), 400),
        ("first half of a real MP4", "clip.mp4", good[: len(good) // 2], 400),
        ("first tenth of a real MP4", "clip.mp4", good[: len(good) // 10], 400),
        ("faststart MP4 cut at 60 %", "clip.mp4", faststart[: int(len(faststart) * 0.6)], 400),
        ("audio only", "clip.mp4", make_audio_only(folder / "song.mp4").read_bytes(), 400),
        ("2x2 pixels", "clip.mp4", _clip(folder, "2.mp4", size=(2, 2)), 400),
        ("16x16 pixels", "clip.mp4", _clip(folder, "16.mp4", size=(16, 16)), 400),
        ("640x8 pixels", "clip.mp4", _clip(folder, "640x8.mp4", size=(640, 8)), 400),
        ("8x480 pixels", "clip.mp4", _clip(folder, "8x480.mp4", size=(8, 480)), 400),
        ("8K frames", "clip.mp4", _clip(folder, "8k.mp4", frames=1, size=(7680, 4320)), 400),
        ("one hour in two frames", "clip.mp4", _clip(folder, "hour.mp4", frames=2, rate=1, pts=[0, 3599]), 400),
        ("1000 frames per second", "clip.mp4", _clip(folder, "fast.mp4", frames=60, rate=1000), 400),
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, good):
    return _cases(tmp_path_factory.mktemp("corpus"), good)


CASE_COUNT = 41


def test_the_corpus_is_large_enough(corpus):
    assert len(corpus) == CASE_COUNT >= 40


@pytest.mark.parametrize("index", range(CASE_COUNT))
def test_malformed_videos_are_refused(index, corpus, web, nothing_saved):
    case, name, data, status = corpus[index]
    started = clock()
    response = web.post(API, {"file": SimpleUploadedFile(name, data), "title": case})
    sentence = assert_refused(response, started, statuses={status})
    assert sentence.endswith((".", ")")), (case, sentence)


def test_over_the_size_limit_is_a_413(good, web, nothing_saved, settings):
    settings.MOTIF_MAX_UPLOAD_MB = 0.001
    started = clock()
    response = web.post(API, {"file": SimpleUploadedFile("clip.mp4", good)})
    assert "limit" in assert_refused(response, started, statuses={413})


def test_over_the_duration_setting_is_refused(good, web, nothing_saved, settings):
    settings.MOTIF_MAX_VIDEO_SECONDS = 1  # the clip lasts 2 s
    started = clock()
    response = web.post(API, {"file": SimpleUploadedFile("clip.mp4", good)})
    assert "lasts" in assert_refused(response, started, statuses={400})


@pytest.mark.parametrize("case", ["text renamed .mp4", "real MP4, magic broken", "ftyp then random", "2x2 pixels"])
def test_the_page_form_refuses_with_a_sentence(case, corpus, web, nothing_saved):
    name, data = next((name, data) for c, name, data, _ in corpus if c == case)
    started = clock()
    response = web.post(PAGE, {"file": SimpleUploadedFile(name, data), "detector": "adaptive"})
    assert 'class="error" role="alert"' in assert_refused(response, started, statuses={400})


def test_a_tiny_video_that_reaches_the_job_fails_with_a_sentence(tmp_path, media, user):
    stored = default_storage.save("perception/videos/uploads/tiny.mp4",
                                  SimpleUploadedFile("tiny.mp4", _clip(tmp_path, "t.mp4", size=(2, 2))))
    job = Job.objects.create(owner=user, kind=video_services.JOB_KIND, params={"path": stored, "title": "x"})
    ctx = SimpleNamespace(params=job.params, job=job, report=lambda percent, message="": None)
    with pytest.raises(UserError, match="2x2 pixels"):
        video_services.run_job(ctx)
    assert not default_storage.exists(stored)
