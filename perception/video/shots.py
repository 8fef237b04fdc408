"""Shot boundaries with PySceneDetect detectors, chosen by name and fed our own decoded frames."""

from __future__ import annotations

from typing import Callable

import numpy as np
from scenedetect.common import FrameTimecode
from scenedetect.detector import SceneDetector
from scenedetect.detectors import (
    AdaptiveDetector,
    ContentDetector,
    HashDetector,
    HistogramDetector,
    ThresholdDetector,
)

# name -> factory(min_scene_len_frames) ; "threshold" finds fades to and from black.
SHOT_DETECTORS: dict[str, Callable[[int], SceneDetector]] = {
    "adaptive": lambda min_len: AdaptiveDetector(min_scene_len=min_len),
    "content": lambda min_len: ContentDetector(min_scene_len=min_len),
    "threshold": lambda min_len: ThresholdDetector(min_scene_len=min_len),
    "histogram": lambda min_len: HistogramDetector(min_scene_len=min_len),
    "hash": lambda min_len: HashDetector(min_scene_len=min_len),
}
DEFAULT_DETECTOR = "adaptive"


def parse_detector_names(spec: str) -> list[str]:
    """``"adaptive"`` or a combination such as ``"adaptive+threshold"``."""
    names = [n.strip().lower() for n in (spec or DEFAULT_DETECTOR).split("+") if n.strip()]
    unknown = [n for n in names if n not in SHOT_DETECTORS]
    if unknown or not names:
        raise ValueError(
            f"Unknown shot detector {'+'.join(unknown) or spec!r}; "
            f"choose from {', '.join(SHOT_DETECTORS)} (combine with '+')."
        )
    return names


class CutFinder:
    """Feeds frames to one or more detectors and returns cuts as analysed-frame indices.

    A cut index is the first frame of the new shot. Cuts from several detectors closer than the
    minimum shot length are merged (the earliest wins).
    """

    def __init__(self, spec: str, fps: float, min_shot_frames: int = 12):
        self.names = parse_detector_names(spec)
        self.fps = fps
        self.min_shot_frames = max(1, min_shot_frames)
        self._detectors = [SHOT_DETECTORS[n](self.min_shot_frames) for n in self.names]
        self._raw: list[int] = []
        self._last = -1

    def _timecode(self, index: int) -> FrameTimecode:
        return FrameTimecode(index, fps=self.fps)

    def process(self, index: int, image: np.ndarray) -> None:
        self._last = index
        tc = self._timecode(index)
        for detector in self._detectors:
            self._raw.extend(t.frame_num for t in detector.process_frame(tc, image))

    def finish(self) -> list[int]:
        tc = self._timecode(max(0, self._last))
        for detector in self._detectors:
            self._raw.extend(t.frame_num for t in detector.post_process(tc))
        cuts: list[int] = []
        for c in sorted(set(self._raw)):
            if c <= 0 or c > self._last:
                continue
            if cuts and c - cuts[-1] < self.min_shot_frames:
                continue
            cuts.append(c)
        return cuts

    @property
    def pending(self) -> list[int]:
        """Cuts emitted so far (not yet merged); used to split keyframe candidates on the fly."""
        return self._raw
