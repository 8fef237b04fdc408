"""Key names, key estimation (Krumhansl-Kessler profiles) and transposition of Sketch notes."""
from __future__ import annotations

import re

import numpy as np

from studio.music.score import Note

PITCH_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
_ALIASES = {"Db": 1, "D#": 3, "Gb": 6, "G#": 8, "A#": 10, "Cb": 11, "B#": 0, "E#": 5, "Fb": 4}
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def parse_key(name: str) -> tuple[int, str]:
    """``"F#"`` -> ``(6, "major")``, ``"Am"`` / ``"A minor"`` -> ``(9, "minor")``. Raises ``ValueError``."""
    m = re.fullmatch(r"\s*([A-Ga-g])([#b]?)\s*(m|min|minor|maj|major)?\s*", name or "")
    if not m:
        raise ValueError(f"{name!r} is not a key name such as C, Am or F#")
    letter = m.group(1).upper() + m.group(2)
    tonic = PITCH_NAMES.index(letter) if letter in PITCH_NAMES else _ALIASES[letter]
    mode = "minor" if (m.group(3) or "").startswith("m") and m.group(3) not in ("maj", "major") else "major"
    return tonic, mode


def key_name(tonic: int, mode: str) -> str:
    """``(9, "minor")`` -> ``"Am"``."""
    return PITCH_NAMES[tonic % 12] + ("m" if mode == "minor" else "")


def _standardised_rotations(profile: np.ndarray) -> np.ndarray:
    """The profile rotated to each of the 12 tonics, each row scaled to mean 0 and deviation 1."""
    rows = np.stack([np.roll(profile, tonic) for tonic in range(12)])
    return (rows - rows.mean(1, keepdims=True)) / rows.std(1, keepdims=True)


_KEY_PROFILES = {"major": _standardised_rotations(MAJOR_PROFILE), "minor": _standardised_rotations(MINOR_PROFILE)}


def estimate_key(pitches, mode: str | None = None) -> tuple[int, str]:
    """The best-correlated Krumhansl-Kessler key of a set of pitches (optionally only in ``mode``):
    the Pearson correlation with all 24 (or 12) rotated profiles at once; a tie (to 12 decimals) goes
    to the major key, then the lower tonic."""
    hist = np.bincount(np.asarray(list(pitches), dtype=int) % 12, minlength=12).astype(float)
    modes = [m for m in ("major", "minor") if not mode or m == mode]
    if hist.sum() == 0 or hist.std() == 0 or not modes:
        return 0, mode or "major"
    standardised = (hist - hist.mean()) / hist.std()
    scores = np.concatenate([_KEY_PROFILES[m] @ standardised for m in modes])
    best = int(np.argmax(scores.round(12)))
    return best % 12, modes[best // 12]


def transpose_notes(notes: list[Note], shift: int) -> list[Note]:
    """Copies of ``notes`` moved by ``shift`` semitones (clamped to MIDI 0-127)."""
    return [Note(min(127, max(0, n.pitch + shift)), n.start, n.duration, n.velocity, n.voice) for n in notes]


def shift_to_key(notes: list[Note], key: str) -> int:
    """The smallest transposition (-6..+5) that moves the estimated tonic of ``notes`` onto the
    tonic of ``key`` (estimating in the key's mode)."""
    tonic, mode = parse_key(key)
    current, _ = estimate_key([n.pitch for n in notes], mode)
    return (tonic - current + 6) % 12 - 6
