"""The fast CPU transition detector: cuts, fades through black or white, dissolves and wipes.

It works on 48x27 thumbnails in three steps:

1. fades from frame luminance, as PySceneDetect's ThresholdDetector does: a run of black (or
   white) frames with the level falling before it and rising after it;
2. cuts: a frame that differs from the one before it far more than its neighbours do;
3. gradual changes (dissolves, wipes): windows of several sizes over which the picture changes a
   lot and steadily (the change between the window's ends is most of the frame-to-frame changes
   summed inside it; camera motion and noise go back and forth instead). The kind is then told
   apart by :func:`~perception.video.analysis.transitions.explain_gradual`, and a change that is neither a
   mix nor a split of the pictures either side (an object crossing the frame) is dropped;
4. dissolves over moving shots, where a slow dissolve changes each frame about as much as the
   camera does: a dissolve mixes two unrelated pictures, so the fine detail of its middle frame is
   about half that of the frames either side (a U-shaped dip), whatever the camera does, while
   panning, zooming, cuts and wipes keep it. A dip whose ends show different pictures and whose
   frames, blurred so small motions do not count, are a mix of those ends is a dissolve.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .transitions import BRIGHT_LEVEL, DARK_LEVEL, Transition, explain_gradual, frame_levels, keep_apart


@dataclass(frozen=True)
class FastSettings:
    """Thresholds of the fast detector (mean absolute differences of 0-255 RGB thumbnails)."""

    cut_min: float = 12.0          # a cut changes the picture at least this much ...
    cut_ratio: float = 3.0         # ... and this many times more than the frames around it
    ramp_step: float = 1.0         # a fade's level moves at least this much per frame
    min_ramp: int = 2              # frames of falling or rising level that make a fade
    gradual_min: float = 18.0      # a dissolve or wipe changes the picture at least this much ...
    steadiness: float = 0.7        # ... with at least this share of the summed changes kept
    half_windows: tuple[int, ...] = (3, 6, 12)
    max_unexplained: float = 0.3   # share of the change a dissolve or wipe may leave unexplained
    dip_ratio: float = 0.7         # a dissolve's middle keeps at most this share of the detail at its ends
    dissolve_dip: float = 0.85     # ... and a steady change called a dissolve at least dips this low
    dip_half_windows: tuple[int, ...] = (4, 6, 8, 10, 12, 15)
    dip_blur: float = 4.0          # pixels of blur (sigma) before testing a dip for a mix of its ends


class FastTransitionDetector:
    """Collects thumbnails; :meth:`finish` finds the transitions (see the module docstring)."""

    name = "fast"

    def __init__(self, min_shot_frames: int, settings: FastSettings | None = None):
        self.min_shot_frames = min_shot_frames
        self.settings = settings or FastSettings()
        self._thumbs: list[np.ndarray] = []

    def process(self, index: int, image: np.ndarray, thumb: np.ndarray) -> list[int]:
        self._thumbs.append(thumb)
        return []

    def finish(self) -> list[Transition]:
        if len(self._thumbs) < 2:
            return []
        return find_transitions(np.stack(self._thumbs), self.min_shot_frames, self.settings)


def find_transitions(thumbs: np.ndarray, min_shot_frames: int,
                     settings: FastSettings | None = None) -> list[Transition]:
    """All transitions in a (frames, 27, 48, 3) uint8 thumbnail stack."""
    settings = settings or FastSettings()
    diff = frame_differences(thumbs)
    levels = frame_levels(thumbs)
    fades = find_fades(levels, diff, min_shot_frames, settings)
    in_fade = np.zeros(len(thumbs), bool)
    for fade in fades:
        in_fade[max(0, fade.start) : fade.end + 2] = True
    cuts = [Transition(int(i), "cut", int(i), int(i)) for i in find_cuts(diff, settings) if not in_fade[i]]
    blocked = in_fade.copy()
    blocked[[c.frame for c in cuts]] = True
    dips = detail_dips(thumbs, blocked, settings)
    deepest = np.min(np.stack(list(dips.values())), axis=0)
    # A dissolve mixes two pictures, so it shows the dip in detail; a steady change without one
    # is the camera moving on after a transition, not a dissolve of its own.
    gradual = [t for t in find_gradual(thumbs, diff, blocked, settings)
               if t.kind != "dissolve" or deepest[max(0, t.frame - 2) : t.frame + 3].min() <= settings.dissolve_dip]
    found = fades + cuts + gradual
    found += [t for t in find_dissolves_in_motion(thumbs, dips, deepest, settings)
              if all(abs(t.frame - other.frame) >= min_shot_frames for other in found)]
    return keep_apart(found, min_shot_frames, len(thumbs) - 1)


def frame_differences(thumbs: np.ndarray, chunk: int = 512) -> np.ndarray:
    """Mean absolute difference of each thumbnail from the one before it (0 for the first)."""
    diff = np.zeros(len(thumbs))
    for lo in range(1, len(thumbs), chunk):
        hi = min(len(thumbs), lo + chunk)
        step = thumbs[lo:hi].astype(np.int16) - thumbs[lo - 1 : hi - 1]
        diff[lo:hi] = np.abs(step).reshape(hi - lo, -1).mean(axis=1)
    return diff


def find_cuts(diff: np.ndarray, settings: FastSettings) -> list[int]:
    """Frames whose change is large and well above that of the two frames on either side."""
    padded = np.pad(diff, 2, mode="edge")
    neighbours = np.stack([padded[k : k + len(diff)] for k in (0, 1, 3, 4)])
    around = neighbours.max(axis=0)
    hits = (diff >= settings.cut_min) & (diff >= settings.cut_ratio * around)
    hits[0] = False
    return np.flatnonzero(hits).tolist()


def find_fades(levels: np.ndarray, diff: np.ndarray, min_shot_frames: int, settings: FastSettings) -> list[Transition]:
    """Fades through black and through white (the latter as black in the inverted level)."""
    return _dark_fades(levels, diff, min_shot_frames, settings) + _dark_fades(
        255.0 - levels, diff, min_shot_frames, settings, dark=255.0 - BRIGHT_LEVEL)


def _dark_fades(levels, diff, min_shot_frames, settings, dark: float = DARK_LEVEL) -> list[Transition]:
    last = len(levels) - 1
    found = []
    for first, final in _runs(levels <= dark):
        out_start = _ramp(levels, diff, first, -1, settings)   # first frame of the falling level
        in_end = _ramp(levels, diff, final, +1, settings)      # last frame of the rising level
        fades_out = first - out_start >= settings.min_ramp
        fades_in = in_end - final >= settings.min_ramp
        short = final - first + 1 < min_shot_frames
        if short and first > 0 and final < last and (fades_out or fades_in):
            # A dip through black between two shots: the boundary is the middle of the black.
            found.append(Transition((first + final + 1) // 2, "fade", out_start, in_end))
            continue
        if short:
            continue  # the video opens or closes on a brief black: no shot of its own
        # A black stretch long enough to be a shot: each side that fades is a transition.
        if fades_out and first > 0:
            found.append(Transition(_half_way(levels, out_start, final), "fade", out_start, first))
        if fades_in and final < last:
            found.append(Transition(_half_way(levels, first, in_end), "fade", final, in_end))
    return found


def _half_way(levels: np.ndarray, start: int, end: int) -> int:
    """The first frame between ``start`` and ``end`` whose level is past the middle between the
    levels at the two ends (one end is the floor of the black run)."""
    ramp = levels[start : end + 1]
    high, low = (ramp[0], ramp.min()) if ramp[0] > ramp[-1] else (ramp[-1], ramp.min())
    middle = (high + low) / 2
    past = (ramp <= middle) if ramp[0] > ramp[-1] else (ramp >= middle)
    return start + int(np.argmax(past))


def _ramp(levels, diff, edge: int, direction: int, settings: FastSettings) -> int:
    """Walk away from a dark run while the level keeps rising steadily (no cut on the way)."""
    j = edge
    while 0 <= j + direction < len(levels):
        nxt = j + direction
        step_frame = max(j, nxt)
        if levels[nxt] < levels[j] + settings.ramp_step or diff[step_frame] >= 4 * settings.cut_min:
            break
        j = nxt
    return j


def find_gradual(thumbs, diff, blocked: np.ndarray, settings: FastSettings) -> list[Transition]:
    """Dissolves and wipes: steady, large changes over a window with no cut or fade (``blocked``
    frames) in it."""
    n = len(thumbs)
    path = np.concatenate([[0.0], np.cumsum(diff)])
    blocked_sum = np.concatenate([[0], np.cumsum(blocked)])
    candidate = np.zeros(n, bool)
    reach = np.zeros(n, int)
    for w in settings.half_windows:
        if n <= 2 * w:
            continue
        centres = np.arange(w, n - w)
        ends = _span_differences(thumbs, w)
        travelled = path[centres + w + 1] - path[centres - w + 1]
        clear = blocked_sum[centres + w + 1] - blocked_sum[centres - w] == 0
        hit = clear & (ends >= settings.gradual_min) & (ends >= settings.steadiness * travelled)
        candidate[centres[hit]] = True
        reach[centres[hit]] = np.maximum(reach[centres[hit]], w)
    found = []
    for lo, hi in _windows(_runs(candidate), reach, n):
        # The change beyond the usual frame-to-frame motion around it is what a transition does;
        # a window may hold several transitions, each a run of such frames.
        baseline = np.percentile(diff[max(1, lo - 15) : hi + 16], 25)
        excess = np.clip(diff[lo + 1 : hi + 1] - baseline, 0.0, None)
        if not excess.size:
            continue
        raised = excess >= max(1.0, 0.25 * excess.max())
        for first, final in _joined(_runs(raised), gap=3):
            start, end = lo + 1 + first, lo + 1 + final
            if float(np.abs(thumbs[end].astype(np.int16) - thumbs[start - 1]).mean()) < settings.gradual_min:
                continue  # the picture came back to where it was: motion, not a transition
            progress = np.cumsum(excess[first : final + 1]) / excess[first : final + 1].sum()
            middle = start + int(np.searchsorted(progress, 0.5))
            kind, unexplained = explain_gradual(thumbs, start, end)
            if unexplained > settings.max_unexplained:
                continue  # neither a mix nor a split of the pictures either side: something moved
            found.append(Transition(int(middle), kind, int(start), int(end)))
    return found


def detail_energy(thumbs: np.ndarray) -> np.ndarray:
    """Fine detail of each thumbnail: the mean square of its luma minus the 3x3 local mean."""
    luma = thumbs.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    n, h, w = luma.shape
    # All frames in one blur: each padded by a mirrored row above and below (OpenCV's default
    # border), so no 3x3 window reaches into the next frame.
    padded = np.pad(luma, ((0, 0), (1, 1), (0, 0)), mode="reflect").reshape(n * (h + 2), w)
    local = cv2.blur(padded, (3, 3)).reshape(n, h + 2, w)[:, 1:-1]
    return np.square(luma - local).mean(axis=(1, 2), dtype=np.float64)


def detail_dips(thumbs: np.ndarray, blocked: np.ndarray, settings: FastSettings) -> dict[int, np.ndarray]:
    """For each half window ``w``: the detail of each frame over the mean detail of the frames
    ``w`` before and after it (infinite where the window holds a cut or fade, ``blocked``)."""
    n = len(thumbs)
    energy = detail_energy(thumbs)
    blocked_sum = np.concatenate([[0], np.cumsum(blocked)])
    dips = {}
    for w in settings.dip_half_windows:
        dip = np.full(n, np.inf)
        if n > 2 * w:
            centres = np.arange(w, n - w)
            dip[centres] = energy[centres] / np.maximum(0.5 * (energy[centres - w] + energy[centres + w]), 1e-6)
            dip[centres[blocked_sum[centres + w + 1] - blocked_sum[centres - w] > 0]] = np.inf
        dips[w] = dip
    return dips


def find_dissolves_in_motion(thumbs: np.ndarray, dips: dict[int, np.ndarray], deepest: np.ndarray,
                             settings: FastSettings) -> list[Transition]:
    """Dissolves found by the dip in fine detail at their middle (step 4 of the module docstring);
    ``dips`` as :func:`detail_dips` gives them, ``deepest`` their minimum over the windows."""
    found = []
    for first, final in _runs(deepest <= settings.dip_ratio):
        if final - first < 2:
            continue  # one or two frames: a flash or a glitch, not a gradual mix
        middle = first + int(np.argmin(deepest[first : final + 1]))
        # The shortest window that shows the dip: the least camera motion between its ends.
        for w in (w for w in settings.dip_half_windows if dips[w][middle] <= settings.dip_ratio):
            if _is_mix_of_ends(thumbs[middle - w : middle + w + 1], settings):
                found.append(Transition(int(middle), "dissolve", int(middle - w + 1), int(middle + w - 1)))
                break
    return found


def _is_mix_of_ends(window: np.ndarray, settings: FastSettings) -> bool:
    """Whether the frames between the first and last of ``window`` mix those two different
    pictures, once blurred to their colour layout (which small camera motions barely change)."""
    if float(np.abs(window[-1].astype(np.int16) - window[0]).mean()) < settings.gradual_min:
        return False  # the same picture either side: the detail dipped and came back (focus, light)
    blurred = np.stack([cv2.GaussianBlur(t, (0, 0), settings.dip_blur) for t in window])
    kind, unexplained = explain_gradual(blurred, 1, len(window) - 2)
    return kind == "dissolve" and unexplained <= settings.max_unexplained


def _joined(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Runs closer than ``gap`` frames joined into one."""
    joined: list[list[int]] = []
    for first, final in runs:
        if joined and first - joined[-1][1] <= gap:
            joined[-1][1] = final
        else:
            joined.append([first, final])
    return [(a, b) for a, b in joined]


def _windows(runs: list[tuple[int, int]], reach: np.ndarray, n: int) -> list[tuple[int, int]]:
    """The frames each run of candidate centres looks at, overlapping ones joined."""
    windows: list[list[int]] = []
    for first, final in runs:
        lo, hi = max(0, first - reach[first]), min(n - 1, final + reach[final])
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    return [(lo, hi) for lo, hi in windows]


def _span_differences(thumbs: np.ndarray, w: int, chunk: int = 512) -> np.ndarray:
    """Mean absolute difference between frames ``i - w`` and ``i + w`` for every centre ``i``."""
    n = len(thumbs)
    out = np.zeros(n - 2 * w)
    for lo in range(0, n - 2 * w, chunk):
        hi = min(n - 2 * w, lo + chunk)
        delta = thumbs[lo + 2 * w : hi + 2 * w].astype(np.int16) - thumbs[lo:hi]
        out[lo:hi] = np.abs(delta).reshape(hi - lo, -1).mean(axis=1)
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True values."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist()))
