"""Key-aware decoding for harmonising a melody: which pitches the lower voices may take at each step.

The key is estimated from the melody (Krumhansl-Kessler, :func:`studio.music.keys.estimate_key`,
notes weighted by their length); its scale (the natural minor for a minor key) is allowed everywhere,
a chromatic pitch class only at the steps where the melody or a given chord sounds it, as an arranger
keeps the inner voices diatonic unless the tune or the chord asks otherwise.
"""
from __future__ import annotations

import numpy as np

from studio.music.encoding import PitchRange
from studio.music.keys import estimate_key
from studio.music.voice_leading import SCALES, pitches_and_onsets


def scale_pitch_classes(tonic: int, mode: str) -> np.ndarray:
    """``(12,)`` flags of the key's scale: major, or the natural minor for ``mode == "minor"``."""
    return SCALES[(tonic + (3 if mode == "minor" else 0)) % 12].astype(bool)


def allowed_pitch_classes(melody: np.ndarray, prange: PitchRange, chord_pcs: list[frozenset] | None = None,
                          context: np.ndarray | None = None) -> np.ndarray:
    """``(steps, 12)`` flags: the pitch classes the lower voices may sound at each step of the
    melody's token array (``(steps,)``): the scale of the melody's estimated key, the melody's own
    pitch class while it sounds, and the chord's pitch classes where ``chord_pcs`` gives one. The
    key is estimated from the melody and, when given, ``context`` (tokens of the bars around it)."""
    pitch, _onset = pitches_and_onsets(melody, prange)
    sounding = pitch >= 0
    steps = len(pitch)
    heard = pitch[sounding]
    if context is not None:
        around, _ = pitches_and_onsets(context, prange)
        heard = np.concatenate([heard, around[around >= 0]])
    allowed = np.tile(scale_pitch_classes(*estimate_key(heard)) if len(heard) else np.ones(12, dtype=bool), (steps, 1))
    allowed[np.flatnonzero(sounding), pitch[sounding] % 12] = True
    for t, pcs in enumerate((chord_pcs or [])[:steps]):
        allowed[t, list(pcs)] = True
    return allowed


def class_mask(allowed: np.ndarray, prange: PitchRange) -> np.ndarray:
    """Per-step pitch-class flags ``(..., steps, 12)`` as the harmony GAN's class flags ``(...,
    steps, n_pitches + 1)``: each pitch of ``prange`` by its pitch class, silence (last) always."""
    pcs = np.arange(prange.low, prange.high + 1) % 12
    silence = np.ones(allowed.shape[:-1] + (1,), dtype=bool)
    return np.concatenate([allowed[..., pcs], silence], axis=-1)
