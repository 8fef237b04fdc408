"""TransNetV2: loads from the installed package with the network unreachable, and finds the same
hard cuts as the fast path."""

import socket

import numpy as np
import pytest

from perception.video.analysis import AnalysisOptions, analyze_video, transnet
from perception.video.analysis.synthetic import ShotSpec, make_clip
from perception.video.analysis.transitions import Transition

pytestmark = pytest.mark.slow


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_loads_offline_on_the_cpu(no_network):
    model = transnet.load_model("cpu")
    assert transnet.load_model("cpu") is model  # once per process and device
    assert not model.training and str(model.device) == "cpu"


def test_agrees_with_the_fast_path_on_hard_cuts(tmp_path, no_network):
    clip = make_clip(tmp_path / "cuts.mp4", [ShotSpec(24), ShotSpec(30), ShotSpec(20), ShotSpec(26)],
                     fps=25, width=128, height=72)
    options = dict(with_audio=False)
    accurate = analyze_video(clip.path, AnalysisOptions(detector="transnetv2", **options)).report
    fast = analyze_video(clip.path, AnalysisOptions(detector="fast", **options)).report
    assert accurate["detector"] == "transnetv2"
    assert [t["kind"] for t in accurate["transitions"]] == ["cut"] * 3
    assert accurate["cuts"] == fast["cuts"] == pytest.approx([f / 25 for f in clip.cut_frames], abs=0.041)


@pytest.mark.parametrize("halves", [(25, 35), (25,), (35,)])
def test_a_span_touching_a_dip_to_black_is_one_fade(halves):
    """TransNetV2 marks the fade-out, the fade-in or both: each way it is one fade through the black."""
    thumbs = np.full((60, 27, 48, 3), 120, np.uint8)
    thumbs[28:32] = 0
    single = np.zeros(60)
    inside = np.zeros(60)
    for peak in halves:
        single[peak] = 0.9
        inside[peak - 3 : peak + 3] = 0.9
    found = transnet.transitions_from_predictions(thumbs, single, inside, min_shot_frames=10)
    assert [(t.frame, t.kind) for t in found] == [(30, "fade")]


def test_a_long_black_stretch_keeps_its_fades_apart():
    """Black long enough to be a shot: the fade-out and the fade-in are two transitions."""
    thumbs = np.full((90, 27, 48, 3), 120, np.uint8)
    thumbs[30:60] = 0
    single, inside = np.zeros(90), np.zeros(90)
    for peak in (27, 62):
        single[peak] = 0.9
        inside[peak - 3 : peak + 3] = 0.9
    found = transnet.transitions_from_predictions(thumbs, single, inside, min_shot_frames=10)
    assert [(t.frame, t.kind) for t in found] == [(27, "fade"), (62, "fade")]  # the middles of the spans


def test_a_one_frame_peak_is_a_cut_after_it():
    thumbs = np.full((40, 27, 48, 3), 120, np.uint8)
    single = np.zeros(40)
    single[19] = 0.99
    found = transnet.transitions_from_predictions(thumbs, single, single.copy(), min_shot_frames=10)
    assert found == [Transition(20, "cut", 20, 20)]


@pytest.mark.parametrize("frames", [1, 49, 50, 75, 130])
def test_streamed_windows_match_the_packages_own_windowing(frames, monkeypatch):
    """The windows run while decoding give what the package's predict_frames gives on the whole
    video (here with a cheap stand-in for the network that depends on every frame of a window)."""
    import torch

    model = transnet.load_model("cpu")

    def stand_in(batch):
        mean = batch.float().mean(dim=(2, 3, 4))  # (1, 100)
        context = torch.cumsum(mean, dim=1) / 1000.0
        return torch.sigmoid(mean / 50 + context)[..., None], {"many_hot": torch.cos(context)[..., None]}

    monkeypatch.setattr(model, "forward", stand_in)
    thumbs = np.random.default_rng(frames).integers(0, 255, (frames, 27, 48, 3), dtype=np.uint8)
    expected_single, expected_inside = model.predict_frames(torch.from_numpy(thumbs), quiet=True)
    single, inside = transnet.predict(thumbs, "cpu")
    np.testing.assert_allclose(single, expected_single.numpy(), rtol=1e-6)
    np.testing.assert_allclose(inside, expected_inside.numpy(), rtol=1e-6)
