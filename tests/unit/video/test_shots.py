"""Shot boundaries: every cut within one frame, no extra ones, detectors chosen by name."""

import pytest

from perception.video.analysis import SHOT_DETECTORS, AnalysisOptions, analyze_video
from perception.video.analysis.shots import parse_detector_names


def _frames(report, fps):
    return [round(t * fps) for t in report["cuts"]]


def _assert_matches(found, truth, tolerance=1):
    assert len(found) == len(truth), f"found {found}, expected {truth}"
    for f, t in zip(found, truth):
        assert abs(f - t) <= tolerance, f"found {found}, expected {truth}"


@pytest.mark.parametrize("detector", ["adaptive", "content"])
def test_hard_cuts_found_within_one_frame(beat_clip, detector):
    report = analyze_video(beat_clip.path, AnalysisOptions(detector=detector, with_audio=False)).report
    _assert_matches(_frames(report, 30), beat_clip.cut_frames)
    assert len(report["shots"]) == len(beat_clip.cut_frames) + 1
    assert report["detector"] == detector


def test_fades_and_cuts_with_adaptive_plus_threshold(fade_clip):
    report = analyze_video(fade_clip.path, AnalysisOptions(detector="adaptive+threshold")).report
    truth = sorted(fade_clip.cut_frames + fade_clip.fade_frames)
    _assert_matches(_frames(report, 30), truth)


def test_threshold_detector_finds_only_the_fades(fade_clip):
    report = analyze_video(fade_clip.path, AnalysisOptions(detector="threshold")).report
    _assert_matches(_frames(report, 30), fade_clip.fade_frames)


def test_shots_tile_the_video(fade_clip):
    report = analyze_video(fade_clip.path).report
    shots = report["shots"]
    assert shots[0]["start"] == 0.0
    assert shots[-1]["end"] == pytest.approx(report["duration"], abs=0.04)
    for a, b in zip(shots, shots[1:]):
        assert a["end"] == b["start"]
        assert a["start"] <= a["keyframe"] < a["end"]


def test_detectors_by_name():
    assert {"adaptive", "content", "threshold"} <= set(SHOT_DETECTORS)
    assert parse_detector_names("Adaptive + threshold") == ["adaptive", "threshold"]
    with pytest.raises(ValueError, match="Unknown shot detector"):
        parse_detector_names("magic")


def test_sixty_fps_is_analysed_at_thirty(tmp_path):
    from perception.video.analysis.synthetic import ShotSpec, make_clip

    clip = make_clip(tmp_path / "sixty.mp4", [ShotSpec(50), ShotSpec(71), ShotSpec(60)], fps=60, width=160, height=120)
    report = analyze_video(clip.path, AnalysisOptions(with_audio=False)).report
    assert report["fps"] == 60.0 and report["analysis_fps"] == 30.0
    # One analysed frame is two source frames: cuts land within that.
    _assert_matches(_frames(report, 60), clip.cut_frames, tolerance=2)
