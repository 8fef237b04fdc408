"""Keep a few candidate frames per shot while decoding, without holding the whole video."""

from __future__ import annotations

import numpy as np


class KeyframePicker:
    """Candidates per running segment are thinned by doubling the stride once ``cap`` is reached;
    a segment closed by a cut keeps only the frames near its quarter, middle and three-quarter
    points. The keyframe of a final shot is the kept frame closest to the shot's middle."""

    def __init__(self, cap: int = 12):
        self.cap = cap
        self._kept: list[tuple[int, np.ndarray]] = []   # from closed segments
        self._current: list[tuple[int, np.ndarray]] = []
        self._start = 0
        self._stride = 1

    def add(self, index: int, image: np.ndarray) -> None:
        if (index - self._start) % self._stride:
            return
        self._current.append((index, image))
        if len(self._current) > self.cap:
            self._stride *= 2
            self._current = [(i, im) for i, im in self._current if (i - self._start) % self._stride == 0]

    def cut(self, index: int) -> None:
        """A new segment starts at ``index`` (frames at or after it move to the new segment)."""
        if index <= self._start:
            return
        before = [c for c in self._current if c[0] < index]
        after = [c for c in self._current if c[0] >= index]
        if before:
            first, last = before[0][0], before[-1][0]
            targets = [first + (last - first) * q for q in (0.25, 0.5, 0.75)]
            chosen = {min(range(len(before)), key=lambda j: abs(before[j][0] - t)) for t in targets}
            self._kept.extend(before[j] for j in sorted(chosen))
        self._current = after
        self._start = index
        self._stride = 1

    def pick(self, shots: list[tuple[int, int]]) -> list[tuple[int, np.ndarray]]:
        """For each (first, end) analysed-frame range, the candidate nearest its middle."""
        pool = sorted(self._kept + self._current, key=lambda c: c[0])
        indices = np.array([c[0] for c in pool])
        picks = []
        for first, end in shots:
            middle = (first + end - 1) / 2
            inside = np.flatnonzero((indices >= first) & (indices < end))
            candidates = inside if inside.size else np.arange(len(pool))
            best = candidates[np.argmin(np.abs(indices[candidates] - middle))]
            picks.append(pool[best])
        return picks
