"""Shot transitions: what every detector returns, and how a gradual one is told apart.

Every detector sees the same frames (the analysis image and a 48x27 RGB thumbnail, TransNetV2's
input size) and returns :class:`Transition` records. A gradual transition's ``frame`` (where the
new shot begins) is the middle of the change, or of the black/white frames of a fade through black.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

KINDS = ("cut", "fade", "dissolve", "wipe")
THUMB_SIZE = (48, 27)  # (width, height)
DARK_LEVEL = 18.0      # mean RGB level (0-255) at or below which a frame counts as black
BRIGHT_LEVEL = 237.0   # ... at or above which it counts as white


@dataclass(frozen=True)
class Transition:
    """A shot boundary: ``frame`` is the first frame of the new shot (analysed-frame index);
    ``start``..``end`` the frames the transition spans (both ``frame`` for a cut)."""

    frame: int
    kind: str
    start: int
    end: int

    def as_dict(self, times: list[float]) -> dict:
        """The report's form: times in seconds for the boundary and the span."""
        last = len(times) - 1
        return {
            "time": round(times[min(self.frame, last)], 3),
            "kind": self.kind,
            "start": round(times[min(max(self.start, 0), last)], 3),
            "end": round(times[min(max(self.end, 0), last)], 3),
        }


def thumbnail(image_bgr: np.ndarray) -> np.ndarray:
    """The 48x27 RGB uint8 thumbnail every transition detector works on."""
    small = cv2.resize(image_bgr, THUMB_SIZE, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_BGR2RGB)


def frame_levels(thumbs: np.ndarray) -> np.ndarray:
    """Mean level (0-255) of each thumbnail."""
    return thumbs.reshape(len(thumbs), -1).mean(axis=1)


def classify_gradual(thumbs: np.ndarray, start: int, end: int) -> str:
    """``"fade"``, ``"dissolve"`` or ``"wipe"`` for a gradual change over frames ``start..end``
    (see :func:`explain_gradual`)."""
    return explain_gradual(thumbs, start, end)[0]


def explain_gradual(thumbs: np.ndarray, start: int, end: int) -> tuple[str, float]:
    """The kind of a gradual change over frames ``start..end`` and the share of the change that
    kind leaves unexplained (0 for a fade; near 0 for a clean dissolve or wipe; large for an object
    moving across the picture, which is neither).

    A span that passes through (or ends within two frames of) black or white is a fade. Otherwise
    the middle frames are compared with the frames just outside the span (A before, B after): a
    dissolve is a mix of A and B in every pixel, a wipe shows A in some pixels and B in the others;
    whichever explains them better.
    """
    last = len(thumbs) - 1
    start, end = max(0, start), min(last, end)
    levels = frame_levels(thumbs[max(0, start - 2) : end + 3])  # a fade may end just outside the span
    if levels.min() <= DARK_LEVEL or levels.max() >= BRIGHT_LEVEL:
        return "fade", 0.0
    before = thumbs[max(0, start - 1)].astype(np.float32)
    after = thumbs[min(last, end + 1)].astype(np.float32)
    change = after - before
    norm = float((change * change).sum())
    if norm <= 0:
        return "dissolve", 1.0
    quarter = max(1, (end - start + 1) // 4)
    middle = thumbs[start + quarter : end + 1 - quarter] if end - start >= 3 else thumbs[start : end + 1]
    mix_error = wipe_error = 0.0
    for frame in middle.astype(np.float32):
        alpha = float(np.clip(((frame - before) * change).sum() / norm, 0.0, 1.0))
        mix_error += float(np.abs(frame - before - alpha * change).mean())
        nearest = np.minimum(np.abs(frame - before).sum(axis=2), np.abs(frame - after).sum(axis=2))
        wipe_error += float(nearest.mean() / 3.0)
    kind = "dissolve" if mix_error <= wipe_error else "wipe"
    unexplained = min(mix_error, wipe_error) / len(middle) / float(np.abs(change).mean())
    return kind, unexplained


def keep_apart(transitions: list[Transition], min_gap: int, last_frame: int) -> list[Transition]:
    """Sorted transitions inside (0, last_frame], none closer than ``min_gap`` frames to the one
    kept before it (the earlier wins)."""
    kept: list[Transition] = []
    for t in sorted(transitions, key=lambda t: t.frame):
        if not 0 < t.frame <= last_frame:
            continue
        if kept and t.frame - kept[-1].frame < min_gap:
            continue
        kept.append(t)
    return kept
