"""The full report on a generated clip: music, faces, colour, groups, images, cancellation."""

import cv2
import numpy as np
import pytest

from perception.video.analysis import AnalysisCancelled, AnalysisOptions, analyze_video
from perception.video.analysis.audio import cuts_on_beat
from perception.video.analysis.colour import palette

REQUIRED_KEYS = {
    "duration", "fps", "shots", "cuts", "cuts_per_minute", "average_shot_length", "tempo_bpm",
    "beats", "cuts_on_beat_ratio", "seconds",
}
SHOT_KEYS = {"start", "end", "keyframe", "faces", "palette", "brightness", "motion", "label"}


@pytest.fixture(scope="module")
def result(beat_clip):
    return analyze_video(beat_clip.path)


def test_report_shape(result):
    report = result.report
    assert REQUIRED_KEYS <= set(report)
    assert all(SHOT_KEYS <= set(shot) for shot in report["shots"])
    assert report["duration"] == pytest.approx(8.0, abs=0.05)
    assert report["fps"] == 30.0
    assert len(result.keyframes) == len(report["shots"]) == 7


def test_tempo_beats_and_cutting_on_the_beat(result, beat_clip):
    report = result.report
    assert report["tempo_bpm"] == pytest.approx(100, abs=2)
    beats = np.array(report["beats"])
    truth = np.array(beat_clip.beat_times)
    # Each detected beat sits on a click (within 15 ms, after snapping to onsets).
    assert all(np.min(np.abs(truth - b)) <= 0.015 for b in beats)
    assert len(beats) >= len(truth) - 3
    assert report["cuts_on_beat_ratio"] == pytest.approx(4 / 6, abs=1e-3)
    assert report["cuts_per_minute"] == pytest.approx(6 / (8 / 60), abs=0.1)
    assert report["average_shot_length"] == pytest.approx(8 / 7, abs=0.01)


def test_faces_found_only_in_the_face_shot(result):
    faces = [shot["faces"] for shot in result.report["shots"]]
    assert faces[4] >= 1
    assert sum(faces) == faces[4]
    assert result.report["faces_on_screen"] == pytest.approx(27 / 240, abs=0.05)
    assert result.report["face_detector"] == "haar"


def test_palette_brightness_motion(result):
    shots = result.report["shots"]
    for shot in shots:
        shares = [c["share"] for c in shot["palette"]]
        assert shares == sorted(shares, reverse=True)
        assert sum(shares) == pytest.approx(1.0, abs=0.01)
        assert 0 < shot["brightness"] < 1 and 0 < shot["motion"] < 0.2
    # Shot 0 is drawn on a red background (BGR 40, 60, 200): its main colour is red.
    r, g, b = (int(shots[0]["palette"][0]["hex"][i : i + 2], 16) for i in (1, 3, 5))
    assert r > 150 and g < 110 and b < 90


def test_palette_of_two_flat_colours():
    image = np.zeros((60, 80, 3), np.uint8)
    image[:, :60] = (255, 0, 0)   # blue, 75 %
    image[:, 60:] = (0, 255, 255)  # yellow, 25 %
    colours = palette(image, k=5)
    rgb = [[int(c["hex"][i : i + 2], 16) for i in (1, 3, 5)] for c in colours]
    assert np.abs(np.array(rgb) - [[0, 0, 255], [255, 255, 0]]).max() <= 2
    assert [c["share"] for c in colours] == [0.75, 0.25]


def test_similar_shots_share_a_group(result):
    labels = [shot["label"] for shot in result.report["shots"]]
    assert result.report["label_method"] == "similarity-groups"
    assert labels[0] == labels[6] == "group 1"
    assert len(set(labels[:6])) == 6


def test_contact_sheet_and_strip(result):
    png = result.contact_sheet_png("Test clip")
    sheet = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert sheet is not None and sheet.shape[0] > 100 and sheet.shape[1] > 500
    jpeg, tile_width, tile_height = result.keyframe_strip_jpeg(height=90)
    strip = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert strip.shape[:2] == (tile_height, tile_width * 7) == (90, 120 * 7)


def test_keyframe_strip_stays_within_jpeg_limits():
    from perception.video.analysis.sheet import keyframe_strip

    frames = [np.full((180, 320, 3), i % 255, np.uint8) for i in range(600)]
    jpeg, tile_width, tile_height = keyframe_strip(frames, height=90)
    assert jpeg and tile_width * 600 <= 65535 and tile_height < 90


def test_snap_moves_beats_to_nearby_onsets_only():
    from perception.video.analysis.audio import snap

    moved = snap(np.array([1.02, 2.0, 3.5]), np.array([1.0, 2.3, 3.49]), 0.07)
    assert moved.tolist() == [1.0, 2.0, 3.49]


def test_cuts_on_beat_helper():
    assert cuts_on_beat([1.0, 2.07, 3.3], [1.0, 2.0, 3.0]) == pytest.approx(2 / 3, abs=1e-3)
    assert cuts_on_beat([], [1.0]) is None
    assert cuts_on_beat([1.0], []) is None


def test_progress_by_frames_and_cancellation(fade_clip):
    seen = []
    analyze_video(fade_clip.path, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (225, 225)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 30

    with pytest.raises(AnalysisCancelled):
        analyze_video(fade_clip.path, cancelled=cancelled)
    assert calls["n"] == 31


def test_progress_callback_may_stop_the_work(fade_clip):
    class Stop(Exception):
        pass

    def progress(done, total):
        raise Stop

    with pytest.raises(Stop):
        analyze_video(fade_clip.path, progress=progress)


def test_options_from_env(monkeypatch):
    monkeypatch.setenv("MOTIF_CLIP_MODEL", "/models/clip")
    monkeypatch.delenv("MOTIF_FACE_MODEL", raising=False)
    options = AnalysisOptions.from_env(detector="content", unknown="ignored")
    assert (options.clip_model, options.face_model, options.detector) == ("/models/clip", None, "content")


def test_face_model_path_must_exist(tmp_path, fade_clip):
    from perception.video.analysis import VideoError
    from perception.video.analysis.faces import FACE_DETECTORS, make_face_detector

    assert set(FACE_DETECTORS) == {"haar", "yunet"}
    assert make_face_detector(None).name == "haar"
    with pytest.raises(VideoError, match="not a file"):
        analyze_video(fade_clip.path, AnalysisOptions(face_model=str(tmp_path / "yunet.onnx")))
