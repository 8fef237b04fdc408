"""Transitions: every cut, fade, dissolve and wipe of generated clips within 3 frames, with its kind."""

import cv2
import numpy as np
import pytest

from perception.video.analysis import KINDS, AnalysisOptions, analyze_video
from perception.video.analysis.fast_transitions import detail_energy, find_transitions
from perception.video.analysis.shots import DEFAULT_DETECTOR, TransitionFinder
from perception.video.analysis.synthetic import ShotSpec, camera_painter, make_clip, textured_pictures
from perception.video.analysis.transitions import Transition, classify_gradual, keep_apart

TOLERANCE = 3  # frames


def _assert_transitions(found: list[tuple[int, str]], truth: list[tuple[int, str]]):
    assert len(found) == len(truth), f"found {found}, expected {truth}"
    for (frame, kind), (true_frame, true_kind) in zip(found, truth):
        assert abs(frame - true_frame) <= TOLERANCE and kind == true_kind, f"found {found}, expected {truth}"


@pytest.fixture(scope="module")
def mixed_clip(clips_dir):
    """Every kind of transition twice, shots of different lengths, 30 fps, 160x96."""
    kinds = ["cut", "dissolve", "wipe", "fade", "cut", "dissolve", "fade", "wipe"]
    shots = [ShotSpec(30)] + [ShotSpec(30 + 7 * i, kind) for i, kind in enumerate(kinds)]
    return make_clip(clips_dir / "mixed.mp4", shots, fps=30, width=160, height=96)


def _report(path, detector="fast"):
    return analyze_video(path, AnalysisOptions(detector=detector, with_audio=False)).report


def _found(report, fps):
    return [(round(t["time"] * fps), t["kind"]) for t in report["transitions"]]


def test_fast_path_finds_every_transition_and_its_kind(mixed_clip):
    report = _report(mixed_clip.path)
    _assert_transitions(_found(report, 30), mixed_clip.transitions)
    assert [s["entered_by"] for s in report["shots"]] == ["start"] + [k for _, k in mixed_clip.transitions]
    assert report["transition_counts"] == {"cut": 2, "fade": 2, "dissolve": 2, "wipe": 2}
    assert report["detector"] == DEFAULT_DETECTOR == "fast"


@pytest.mark.parametrize("blend", [6, 20])
def test_short_and_long_dissolves_and_wipes(tmp_path, blend):
    shots = [ShotSpec(40), ShotSpec(45, "dissolve"), ShotSpec(45, "wipe"), ShotSpec(40, "dissolve")]
    clip = make_clip(tmp_path / "blend.mp4", shots, fps=25, width=128, height=72, blend_frames=blend)
    _assert_transitions(_found(_report(clip.path), 25), clip.transitions)


def test_long_fades_through_black(tmp_path):
    shots = [ShotSpec(50), ShotSpec(60, "fade"), ShotSpec(50, "fade")]
    clip = make_clip(tmp_path / "slowfade.mp4", shots, fps=24, width=128, height=72, fade_frames=20)
    _assert_transitions(_found(_report(clip.path), 24), clip.transitions)


@pytest.mark.parametrize("pan", [1.0, 3.0])
def test_dissolves_over_a_moving_camera(tmp_path, pan):
    """Every shot pans and zooms over a detailed picture, so a slow dissolve changes each frame no
    more than the camera does; its dip in fine detail still finds it, and the camera alone is no
    transition."""
    painter = camera_painter(textured_pictures(4, 320, 192, seed=3), 160, 96, pan=pan)
    shots = [ShotSpec(45), ShotSpec(45, "dissolve"), ShotSpec(45, "cut"), ShotSpec(45, "dissolve"),
             ShotSpec(60, "dissolve")]
    clip = make_clip(tmp_path / "camera.mp4", shots, fps=30, width=160, height=96, blend_frames=20, painter=painter)
    _assert_transitions(_found(_report(clip.path), 30), clip.transitions)
    still = make_clip(tmp_path / "pan.mp4", [ShotSpec(150)], fps=30, width=160, height=96, painter=painter)
    assert _report(still.path)["transitions"] == []


def _flat(colour, frames=1):
    return np.broadcast_to(np.array(colour, np.uint8), (frames, 27, 48, 3)).copy()


def _texture(seed=0, width=200):
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 255, (27, width, 3)).astype(np.float32)
    return cv2.normalize(cv2.GaussianBlur(noise, (0, 0), 3), None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)


def test_fade_through_white():
    a, b = _flat((200, 60, 40), 30), _flat((40, 90, 200), 30)
    ramp = [np.clip(a[0] + (255 - a[0].astype(int)) * k / 8, 0, 255).astype(np.uint8) for k in range(1, 9)]
    back = [np.clip(b[0] + (255 - b[0].astype(int)) * k / 8, 0, 255).astype(np.uint8) for k in range(8, 0, -1)]
    thumbs = np.concatenate([a, np.stack(ramp), np.stack(back), b])
    found = find_transitions(thumbs, 12)
    assert [(t.kind, t.frame) for t in found] == [("fade", 38)]


def test_camera_pan_is_not_a_transition():
    """A texture sliding by steadily changes every frame a little, and the ends of a window a lot,
    but the change goes back and forth: no dissolve, no wipe."""
    texture = _texture()
    thumbs = np.stack([texture[:, i : i + 48] for i in range(0, 120)])
    assert find_transitions(thumbs, 12) == []


def _moving_disc(background):
    frames = []
    for i in range(60):
        frame = background.copy()
        cv2.circle(frame, (int(i * 0.8), 13), 9, (250, 250, 250), -1)
        frames.append(frame)
    return np.stack(frames)


def _zoom(texture):
    frames = []
    for i in range(90):
        h, w = int(27 / (1 + i / 90) + 0.5), int(texture.shape[1] / (1 + i / 90) + 0.5)
        y, x = (27 - h) // 2, (texture.shape[1] - w) // 2
        frames.append(cv2.resize(texture[y : y + h, x : x + w], (48, 27), interpolation=cv2.INTER_AREA))
    return np.stack(frames)


@pytest.mark.parametrize("case", ["object crossing", "flash", "zoom", "dimming"])
def test_no_transition_in_motion_flashes_or_light_changes(case):
    texture = _texture(4, 48)
    if case == "object crossing":  # a steady change, but neither a mix nor a split of two pictures
        thumbs = _moving_disc(texture)
    elif case == "flash":
        thumbs = np.stack([texture] * 60)
        thumbs[30] = 255
    elif case == "zoom":
        thumbs = _zoom(_texture(5, 48))
    else:
        thumbs = np.stack([(texture * (1 - 0.4 * i / 60)).astype(np.uint8) for i in range(60)])
    assert find_transitions(thumbs, 12) == []


def test_classify_gradual_tells_dissolve_wipe_and_fade_apart():
    a, b = _texture(1, 48).astype(np.float32), _texture(2, 48).astype(np.float32)
    steps = np.linspace(0, 1, 12)[1:-1]
    dissolve = np.stack([a] + [(1 - s) * a + s * b for s in steps] + [b]).astype(np.uint8)
    wipe = np.stack([a] + [np.where(np.arange(48)[None, :, None] < s * 48, b, a) for s in steps] + [b]).astype(np.uint8)
    fade = np.stack([a] + [a * (1 - s) for s in steps] + [b]).astype(np.uint8)
    assert classify_gradual(dissolve, 1, 10) == "dissolve"
    assert classify_gradual(wipe, 1, 10) == "wipe"
    assert classify_gradual(fade, 1, 10) == "fade"


def test_keep_apart_drops_close_and_out_of_range_transitions():
    ts = [Transition(f, "cut", f, f) for f in (0, 10, 15, 40, 200)]
    assert [t.frame for t in keep_apart(ts, 12, 100)] == [10, 40]


def test_transitions_in_the_report(mixed_clip):
    report = _report(mixed_clip.path)
    for t, shot in zip(report["transitions"], report["shots"][1:]):
        assert set(t) == {"time", "kind", "start", "end"} and t["kind"] in KINDS
        assert t["start"] <= t["time"] <= t["end"] and t["time"] == shot["start"]
    assert report["cuts"] == [t["time"] for t in report["transitions"]]


def test_keyframes_stay_inside_shots_joined_by_dissolves(tmp_path):
    """The fast path decides at the end, so keyframe candidates are split where the picture drifts."""
    shots = [ShotSpec(40)] + [ShotSpec(40, "dissolve") for _ in range(5)]
    clip = make_clip(tmp_path / "dissolves.mp4", shots, fps=25, width=128, height=72)
    report = _report(clip.path)
    assert len(report["shots"]) == 6
    for shot in report["shots"]:
        assert shot["start"] <= shot["keyframe"] < shot["end"]


def test_finder_combines_detectors_by_name():
    finder = TransitionFinder("fast+threshold", fps=25, min_shot_frames=10)
    assert finder.names == ["fast", "threshold"]
    with pytest.raises(ValueError, match="Unknown shot detector"):
        TransitionFinder("fast+magic", fps=25)


def test_detail_energy_of_a_stack_equals_each_frame_on_its_own():
    """The frames are blurred as one stack: no frame's detail may leak into its neighbour's."""
    thumbs = np.random.default_rng(3).integers(0, 256, (5, 27, 48, 3), np.uint8)
    thumbs[2] = 128  # a flat frame between two busy ones has no detail at all
    luma = thumbs.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    expected = [float(np.square(plane - cv2.blur(plane, (3, 3))).mean()) for plane in luma]
    assert np.allclose(detail_energy(thumbs), expected, rtol=1e-5)
    assert detail_energy(thumbs)[2] == 0.0
