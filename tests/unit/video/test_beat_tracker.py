"""The numpy beat tracker: tempo and beats of click tracks, and no JIT compiler on the way."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from perception.video.analysis import audio, beat_tracker
from perception.video.analysis.synthetic import _click_track


@pytest.mark.parametrize("bpm, offset", [(90, 0.4), (100, 0.0), (128, 0.21), (140, 0.1)])
def test_tempo_and_beats_of_a_click_track(bpm, offset):
    samples, truth = _click_track(12.0, bpm, offset)
    tempo, beats = audio.beats(samples, 22050)
    assert tempo == pytest.approx(bpm, rel=0.02)
    assert len(beats) >= len(truth) - 2
    assert max(np.min(np.abs(np.array(truth) - b)) for b in beats) <= 0.015


def test_onsets_mark_the_attack():
    samples, truth = _click_track(3.0, 120, 0.25)
    onsets = beat_tracker.onset_times(samples, 22050)
    assert len(onsets) == len(truth)
    assert np.max(np.abs(onsets - truth)) <= 0.01


def test_silence_and_short_audio_have_no_beats():
    assert audio.beats(np.zeros(22050 * 5, np.float32), 22050) == (None, [])
    assert audio.beats(np.ones(22050, np.float32), 22050) == (None, [])


def test_the_analysis_needs_no_jit_compiler():
    """A fresh process analysing a video with sound never loads numba (or librosa): nothing to
    compile, so the command starts quickly."""
    code = (
        "import sys, tempfile, pathlib\n"
        "from perception.video.analysis import analyze_video\n"
        "from perception.video.analysis.synthetic import ShotSpec, make_clip\n"
        "path = pathlib.Path(tempfile.mkdtemp()) / 'c.mp4'\n"
        "make_clip(path, [ShotSpec(40), ShotSpec(40)], fps=20, width=96, height=64, bpm=120)\n"
        "report = analyze_video(path).report\n"
        "assert report['tempo_bpm'], report\n"
        "print(sorted(m for m in ('numba', 'librosa') if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
