"""Generated clips shared by the video tests (made once per session, a few hundred ms each)."""

import pytest

from perception.video.analysis.synthetic import ShotSpec, make_clip


@pytest.fixture(scope="session")
def clips_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("video-clips")


@pytest.fixture(scope="session")
def beat_clip(clips_dir):
    """30 fps, clicks at 100 BPM (a beat every 18 frames); cuts at frames 36, 72, 99, 126, 153, 180:
    four on a beat, two half a beat (300 ms) off. Shot 4 shows a face; shots 0 and 6 look alike."""
    lengths = [36, 36, 27, 27, 27, 27, 60]
    shots = [ShotSpec(n, style=(0 if i == 6 else i), face=(i == 4)) for i, n in enumerate(lengths)]
    return make_clip(clips_dir / "beats.mp4", shots, fps=30, bpm=100)


@pytest.fixture(scope="session")
def fade_clip(clips_dir):
    """Hard cuts at 45 and 135, fades through black at 90 and 180 (no audio)."""
    shots = [ShotSpec(45), ShotSpec(45), ShotSpec(45, "fade"), ShotSpec(45), ShotSpec(45, "fade")]
    return make_clip(clips_dir / "fades.mp4", shots, fps=30)
