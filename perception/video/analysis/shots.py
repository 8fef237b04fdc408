"""Shot transitions from detectors chosen by name, all behind one interface.

A detector has ``process(index, image, thumb)`` (called for every analysed frame; returns the
boundaries it is already sure of, which let the keyframe picker split its candidates early) and
``finish()`` (returns every :class:`~perception.video.analysis.transitions.Transition`). ``fast`` (our CPU
path: cuts, fades, dissolves, wipes) and ``transnetv2`` (the accurate network) tell how each shot
is entered; PySceneDetect's detectors are kept as baselines and report cuts (``threshold``: fades).
"""

from __future__ import annotations

from typing import Callable, Protocol

import cv2
import numpy as np

from .fast_transitions import FastTransitionDetector
from .transitions import Transition, keep_apart, thumbnail
from .transnet import TransNetDetector


class TransitionDetector(Protocol):
    """What every shot detector offers (see the module docstring)."""

    name: str

    def process(self, index: int, image: np.ndarray, thumb: np.ndarray) -> list[int]: ...

    def finish(self) -> list[Transition]: ...


class SceneDetectAdapter:
    """A PySceneDetect detector fed our decoded frames; each cut it reports (while streaming or in
    ``post_process``) becomes a transition of ``kind``. PySceneDetect is imported only when one of
    its detectors is chosen (it costs a fresh process about 0.2 s)."""

    def __init__(self, name: str, detector_class: str, min_shot_frames: int, fps: float, kind: str = "cut"):
        from scenedetect import detectors
        from scenedetect.common import FrameTimecode

        self.name, self.kind = name, kind
        self._detector = getattr(detectors, detector_class)(min_scene_len=min_shot_frames)
        self._timecode = lambda frame: FrameTimecode(frame, fps=fps)
        self._cuts: list[int] = []
        self._last = -1

    def process(self, index: int, image: np.ndarray, thumb: np.ndarray) -> list[int]:
        self._last = index
        cuts = [t.frame_num for t in self._detector.process_frame(self._timecode(index), image)]
        self._cuts.extend(cuts)
        return cuts

    def finish(self) -> list[Transition]:
        tail = self._detector.post_process(self._timecode(max(0, self._last)))
        return [Transition(f, self.kind, f, f) for f in self._cuts + [t.frame_num for t in tail]]


def _scenedetect(name: str, detector_class: str, kind: str = "cut"):
    return lambda min_len, fps: SceneDetectAdapter(name, detector_class, min_len, fps, kind)


# name -> factory(min_shot_frames, fps)
SHOT_DETECTORS: dict[str, Callable[[int, float], TransitionDetector]] = {
    "fast": lambda min_len, fps: FastTransitionDetector(min_len),
    "transnetv2": lambda min_len, fps: TransNetDetector(min_len),
    "adaptive": _scenedetect("adaptive", "AdaptiveDetector"),
    "content": _scenedetect("content", "ContentDetector"),
    "threshold": _scenedetect("threshold", "ThresholdDetector", kind="fade"),
    "histogram": _scenedetect("histogram", "HistogramDetector"),
    "hash": _scenedetect("hash", "HashDetector"),
}
DEFAULT_DETECTOR = "fast"


def parse_detector_names(spec: str) -> list[str]:
    """``"fast"`` or a combination such as ``"adaptive+threshold"``."""
    names = [n.strip().lower() for n in (spec or DEFAULT_DETECTOR).split("+") if n.strip()]
    unknown = [n for n in names if n not in SHOT_DETECTORS]
    if unknown or not names:
        raise ValueError(
            f"Unknown shot detector {'+'.join(unknown) or spec!r}; "
            f"choose from {', '.join(SHOT_DETECTORS)} (combine with '+')."
        )
    return names


class TransitionFinder:
    """Feeds every analysed frame to one or more detectors and returns their transitions, sorted,
    none closer than the minimum shot length to the one before (the earliest wins)."""

    # Mean thumbnail difference from a segment's first frame past which a new segment starts.
    DRIFT = 30.0

    def __init__(self, spec: str, fps: float, min_shot_frames: int = 12):
        self.names = parse_detector_names(spec)
        self.min_shot_frames = max(1, min_shot_frames)
        self._detectors = [SHOT_DETECTORS[n](self.min_shot_frames, fps) for n in self.names]
        self._last = -1
        self._anchor: np.ndarray | None = None

    def process(self, index: int, image: np.ndarray) -> list[int]:
        """Feed one frame; returns where keyframe segments may start: boundaries the detectors
        already know, or this frame when the picture has drifted far from the segment's first
        (detectors that decide at the end report nothing while streaming)."""
        self._last = index
        thumb = thumbnail(image)
        starts: list[int] = []
        for detector in self._detectors:
            starts.extend(detector.process(index, image, thumb))
        if self._anchor is None or starts:
            self._anchor = thumb
        elif cv2.norm(thumb, self._anchor, cv2.NORM_L1) / thumb.size > self.DRIFT:
            self._anchor = thumb
            starts.append(index)
        return starts

    def finish(self) -> list[Transition]:
        found = [t for detector in self._detectors for t in detector.finish()]
        return keep_apart(found, self.min_shot_frames, self._last)
