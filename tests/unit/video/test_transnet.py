"""TransNetV2: loads from the installed package with the network unreachable, and finds the same
hard cuts as the fast path."""

import socket

import numpy as np
import pytest

from perception.video import AnalysisOptions, analyze_video, transnet
from perception.video.synthetic import ShotSpec, make_clip
from perception.video.transitions import Transition

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


def test_fade_out_and_fade_in_around_black_become_one_fade():
    """TransNetV2 marks a fade-out and a fade-in; with black frames between them that is one fade."""
    thumbs = np.full((60, 27, 48, 3), 120, np.uint8)
    thumbs[28:32] = 0
    single = np.zeros(60)
    inside = np.zeros(60)
    single[[25, 35]] = 0.9
    inside[22:28] = inside[32:38] = 0.9
    found = transnet.transitions_from_predictions(thumbs, single, inside, min_shot_frames=10)
    assert found == [Transition(30, "fade", 22, 37)]


def test_a_one_frame_peak_is_a_cut_after_it():
    thumbs = np.full((40, 27, 48, 3), 120, np.uint8)
    single = np.zeros(40)
    single[19] = 0.99
    found = transnet.transitions_from_predictions(thumbs, single, single.copy(), min_shot_frames=10)
    assert found == [Transition(20, "cut", 20, 20)]
