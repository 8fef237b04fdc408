"""The probe refuses bad uploads with a sentence for a person, and accepts good ones."""

from fractions import Fraction

import av
import numpy as np
import pytest

from perception.video.analysis import VideoRejected, probe_video
from perception.video.analysis.probe import human_duration
from perception.video.analysis.synthetic import make_audio_only


def _write(path, frames, size=(64, 64), rate=30, pts=None, options=None):
    with av.open(str(path), "w", options=options or {}) as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((size[1], size[0], 3), i % 255, np.uint8), format="bgr24")
            frame.pts = pts[i] if pts else i
            frame.time_base = Fraction(1, rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_accepts_a_good_clip(beat_clip):
    info = probe_video(beat_clip.path)
    assert (info.width, info.height, info.fps, info.has_audio) == (320, 240, 30.0, True)
    assert info.duration == pytest.approx(8.0, abs=0.05)
    assert info.frames == 240


def test_text_file_renamed_mp4(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("verse, chorus, verse, bridge\n" * 40)
    with pytest.raises(VideoRejected, match="not a video we can read"):
        probe_video(path)


def test_truncated_file(tmp_path, beat_clip):
    data = beat_clip.path.read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoRejected):
        probe_video(path)


def test_truncated_faststart_file_is_caught_at_the_tail(tmp_path):
    full = _write(tmp_path / "fs.mp4", 150, options={"movflags": "faststart"})
    assert probe_video(full).frames == 150
    path = tmp_path / "fs-cut.mp4"
    data = full.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(VideoRejected, match="truncated"):
        probe_video(path)


def test_audio_only(tmp_path):
    path = make_audio_only(tmp_path / "song.mp4")
    with pytest.raises(VideoRejected, match="no video track"):
        probe_video(path)


def test_empty_and_zero_length(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(VideoRejected, match="empty"):
        probe_video(empty)
    header_only = tmp_path / "zero.mkv"
    with av.open(str(header_only), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width = stream.height = 64
        out.start_encoding()
    assert header_only.stat().st_size > 0
    with pytest.raises(VideoRejected):
        probe_video(header_only)


def test_8k_frames(tmp_path):
    path = _write(tmp_path / "8k.mp4", 1, size=(7680, 4320))
    with pytest.raises(VideoRejected, match="7680x4320"):
        probe_video(path)


def test_one_hour_is_over_the_duration_limit(tmp_path):
    # Two frames an hour apart: a 1-hour file in a few kilobytes.
    path = _write(tmp_path / "hour.mp4", 2, rate=1, pts=[0, 3599])
    with pytest.raises(VideoRejected, match=r"lasts 1 h 00 min; the limit is 20 min"):
        probe_video(path, max_seconds=20 * 60)


def test_over_the_size_limit(beat_clip):
    with pytest.raises(VideoRejected, match="the limit is 0.01 MB"):
        probe_video(beat_clip.path, max_mb=0.01)


def test_human_duration():
    assert [human_duration(s) for s in (4, 200, 3600, 3900)] == ["4 s", "3 min 20 s", "1 h 00 min", "1 h 05 min"]


@pytest.mark.parametrize("size", [(2, 2), (16, 16), (640, 8)])
def test_tiny_frames_are_refused(tmp_path, size):
    path = _write(tmp_path / "tiny.mp4", 30, size=size)
    with pytest.raises(VideoRejected, match=f"{size[0]}x{size[1]} pixels") as info:
        probe_video(path)
    assert info.value.code == "too_small_frames"


def test_an_absurd_frame_rate_is_refused(tmp_path):
    path = _write(tmp_path / "fast.mp4", 60, rate=1000)
    with pytest.raises(VideoRejected, match="1000 frames per second") as info:
        probe_video(path)
    assert info.value.code == "too_fast"
