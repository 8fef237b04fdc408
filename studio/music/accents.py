"""Metrical accents of a metre on the 16th grid: for every step, whether it starts a bar, a beat or
an eighth. The harmony GAN reads them beside the soprano, so one model follows any metre's bar lines.

Beats: a quarter in 2/4, 3/4, 4/4; a half in 2/2 and 3/2; a dotted quarter in 6/8, 9/8, 12/8.
"""
from __future__ import annotations

import numpy as np

from studio.music.score import steps_per_bar

ACCENT_LEVELS = 3


def beat_steps(metre: str) -> int:
    """16th steps in one beat of ``metre``."""
    beats, unit = (int(x) for x in metre.split("/"))
    steps_per_bar(metre)
    if unit == 8 and beats % 3 == 0:
        return 6
    return 16 // unit


def accents(metre: str, steps: int, offset: int = 0) -> np.ndarray:
    """``(steps, 3)`` float32 flags (bar start, beat start, eighth start) for steps ``offset ..
    offset + steps`` of ``metre``; ValueError for an unsupported metre."""
    t = np.arange(offset, offset + steps)
    return np.stack([t % steps_per_bar(metre) == 0, t % beat_steps(metre) == 0, t % 2 == 0], axis=1).astype(np.float32)
