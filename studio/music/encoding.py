"""Token encodings of voices on the 16th grid, in the spirit of MusicVAE's melody vocabulary.

One token per 16th step: ``REST`` (silence), ``HOLD`` (the sounding note continues) or a note-on for
one pitch of a fixed range, ``2 + pitch - low``. A range is a :class:`PitchRange`; the melody range
(:data:`MELODY_RANGE`, MIDI 48-95: 48 pitches, 50 tokens) and the chorale voice range
(:data:`VOICE_RANGE`, MIDI 36-84) are the two used by the models. The harmony GAN reads voices as a
pitch-or-silence class per step (:func:`tokens_to_roll`) plus an onset flag per step
(:func:`tokens_to_onsets`), so that repeated notes survive the round trip.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.music.score import Note

REST = 0
HOLD = 1
FIRST_PITCH_TOKEN = 2


@dataclass(frozen=True)
class PitchRange:
    """An inclusive MIDI pitch range and the token vocabulary it implies."""

    low: int
    high: int

    @property
    def n_pitches(self) -> int:
        return self.high - self.low + 1

    @property
    def vocab_size(self) -> int:
        return self.n_pitches + FIRST_PITCH_TOKEN

    def contains(self, pitch: int) -> bool:
        return self.low <= pitch <= self.high


MELODY_RANGE = PitchRange(48, 95)
VOICE_RANGE = PitchRange(36, 84)


def encode_line(notes: list[Note], n_steps: int, prange: PitchRange = MELODY_RANGE, offset: int = 0) -> np.ndarray:
    """Tokens for steps ``offset .. offset+n_steps`` of a monophonic line. A note that starts before
    the window and sounds into it is dropped (the window starts with rests); notes are cut at the
    window end. Raises ``ValueError`` for a pitch outside ``prange``."""
    tokens = np.full(n_steps, REST, dtype=np.int64)
    for n in notes:
        start = n.start - offset
        if start < 0 or start >= n_steps:
            continue
        if not prange.contains(n.pitch):
            raise ValueError(f"pitch {n.pitch} outside {prange.low}-{prange.high}")
        end = min(n_steps, start + n.duration)
        tokens[start] = FIRST_PITCH_TOKEN + n.pitch - prange.low
        tokens[start + 1:end] = HOLD
    return tokens


def decode_line(tokens, prange: PitchRange = MELODY_RANGE, voice: int = 0, velocity: int = 90) -> list[Note]:
    """Notes of a token sequence. ``HOLD`` after a rest (or at the start) is read as a rest."""
    notes: list[Note] = []
    current: Note | None = None
    for step, tok in enumerate(int(t) for t in tokens):
        if tok >= FIRST_PITCH_TOKEN:
            current = Note(prange.low + tok - FIRST_PITCH_TOKEN, step, 1, velocity, voice)
            notes.append(current)
        elif tok == HOLD and current is not None:
            current.duration += 1
        else:
            current = None
    return notes


def canonical(tokens: np.ndarray) -> np.ndarray:
    """The same tokens with every orphan ``HOLD`` (one that follows a rest) made a ``REST``."""
    out = np.asarray(tokens).copy()
    sounding = False
    for i, tok in enumerate(out):
        if tok >= FIRST_PITCH_TOKEN:
            sounding = True
        elif tok == REST or not sounding:
            out[i] = REST
            sounding = False
    return out


def fit_octave(notes: list[Note], prange: PitchRange) -> list[Note] | None:
    """``notes`` moved by whole octaves into ``prange`` (the smallest move), or ``None`` if their
    span does not fit."""
    if not notes:
        return notes
    lo, hi = min(n.pitch for n in notes), max(n.pitch for n in notes)
    for shift in sorted(range(-48, 49, 12), key=abs):
        if prange.low <= lo + shift and hi + shift <= prange.high:
            return [Note(n.pitch + shift, n.start, n.duration, n.velocity, n.voice) for n in notes]
    return None


def pitch_bounds(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a 2-D (or more) token array, the lowest and highest note-on token (``-1`` if none),
    over all axes but the first."""
    flat = tokens.reshape(len(tokens), -1)
    is_note = flat >= FIRST_PITCH_TOKEN
    lo = np.where(is_note, flat, np.iinfo(np.int64).max).min(axis=1)
    hi = np.where(is_note, flat, -1).max(axis=1)
    lo = np.where(is_note.any(axis=1), lo, -1)
    return lo, hi


def random_transpose(tokens: np.ndarray, prange: PitchRange, rng: np.random.Generator, max_shift: int = 6) -> np.ndarray:
    """Each row transposed by a random shift in ``[-max_shift, max_shift]`` that keeps it in range
    (augmentation; a row with no room stays where it is)."""
    lo, hi = pitch_bounds(tokens)
    has = lo >= 0
    down = np.where(has, np.minimum(max_shift, lo - FIRST_PITCH_TOKEN), 0)
    up = np.where(has, np.minimum(max_shift, prange.vocab_size - 1 - hi), 0)
    shifts = np.floor(rng.random(len(tokens)) * (up + down + 1)).astype(np.int64) - down
    shape = (len(tokens),) + (1,) * (tokens.ndim - 1)
    return np.where(tokens >= FIRST_PITCH_TOKEN, tokens + shifts.reshape(shape), tokens)


def tokens_to_roll(tokens: np.ndarray, prange: PitchRange) -> np.ndarray:
    """Per-step class index (``0..n_pitches-1`` for the sounding pitch, ``n_pitches`` for silence),
    the form the harmony GAN works on. Works on any leading shape; the last axis is time."""
    tokens = np.asarray(tokens)
    out = np.full(tokens.shape, prange.n_pitches, dtype=np.int64)
    flat_t, flat_o = tokens.reshape(-1, tokens.shape[-1]), out.reshape(-1, tokens.shape[-1])
    for row_t, row_o in zip(flat_t, flat_o):
        current = prange.n_pitches
        for i, tok in enumerate(row_t):
            if tok >= FIRST_PITCH_TOKEN:
                current = tok - FIRST_PITCH_TOKEN
            elif tok == REST:
                current = prange.n_pitches
            row_o[i] = current
    return out


def tokens_to_onsets(tokens: np.ndarray) -> np.ndarray:
    """Per-step onset flags (1 where a note starts) of token arrays of any leading shape: with
    :func:`tokens_to_roll` they keep repeated notes apart."""
    return (np.asarray(tokens) >= FIRST_PITCH_TOKEN).astype(np.int64)


def roll_to_tokens(roll: np.ndarray, prange: PitchRange, onsets: np.ndarray | None = None) -> np.ndarray:
    """Inverse of :func:`tokens_to_roll`: a note starts where the pitch changes or, given ``onsets``
    (see :func:`tokens_to_onsets`), where an onset is flagged, so repeated notes stay repeated;
    without ``onsets`` repeated pitches merge into one held note. Works on any leading shape."""
    roll = np.asarray(roll)
    prev = np.concatenate([np.full(roll.shape[:-1] + (1,), -1), roll[..., :-1]], axis=-1)
    starts = roll != prev
    if onsets is not None:
        starts |= np.asarray(onsets).astype(bool)
    tokens = np.where(roll == prange.n_pitches, REST, np.where(starts, roll + FIRST_PITCH_TOKEN, HOLD))
    return tokens.astype(np.int64)
