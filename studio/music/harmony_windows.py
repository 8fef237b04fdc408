"""Cutting a melody into the harmony GAN's fixed windows along its own bar lines, reading its chord
symbols as pitch classes per step, so the harmoniser follows any supported metre, and harmonising one
window as served: key-aware decoding, a voice-leading repair of every draw, the best of the draws."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studio.music.chords import ChordError, pitch_classes
from studio.music.encoding import VOICE_RANGE, encode_line
from studio.music.key_mask import allowed_pitch_classes, class_mask
from studio.music.score import Chord, Note, steps_per_bar
from studio.music.voice_leading_repair import repaired_best_of


def bar_aligned_chunks(metre: str, bars: int, window_steps: int) -> list[tuple[int, int]]:
    """``(start, length)`` of the windows covering ``bars`` bars of ``metre``: each starts on a bar
    line and holds as many whole bars as fit in ``window_steps`` (3/4 and 6/8: five bars of a 64-step
    window, 12/8 and 3/2: two), the last one what is left."""
    bar = steps_per_bar(metre)
    per_window = max(1, window_steps // bar) * bar
    total = bars * bar
    return [(start, min(per_window, total - start)) for start in range(0, total, per_window)]


def soprano_window(notes: list[Note], start: int, length: int, window_steps: int, shift: int) -> np.ndarray:
    """Tokens (``window_steps`` long, :data:`VOICE_RANGE`) of the notes starting in ``start .. start +
    length``, moved by ``shift`` semitones (then clamped into the range), cut at the window's end; the
    steps after ``length`` are rests."""
    inside = [Note(min(VOICE_RANGE.high, max(VOICE_RANGE.low, n.pitch + shift)), n.start - start,
                   min(n.duration, start + length - n.start)) for n in notes if start <= n.start < start + length]
    return encode_line(inside, window_steps, VOICE_RANGE)


def chord_steps(chords: list[Chord], start: int, length: int) -> list[frozenset]:
    """The chord's pitch classes at each step of ``start .. start + length`` (empty where no chord
    sounds or its symbol cannot be read)."""
    out: list[frozenset] = [frozenset()] * length
    for chord in chords:
        try:
            _root, pcs = pitch_classes(chord.symbol)
        except ChordError:
            continue
        for t in range(max(chord.start, start), min(chord.start + chord.duration, start + length)):
            out[t - start] = pcs
    return out


def harmonise_window(draw: Callable[[int, np.ndarray], np.ndarray], soprano: np.ndarray, length: int, results: int,
                     candidates: int, chord_pcs: list[frozenset] | None = None,
                     key_context: np.ndarray | None = None) -> np.ndarray:
    """``(results, 4, length)`` settings of one window's ``soprano`` tokens (its first ``length``
    steps are the melody's): ``draw(n, allowed)`` returns ``n`` GAN drawings ``(n, 4, steps)``
    decoded within the ``(n, steps, classes)`` flags of :func:`studio.music.key_mask.class_mask`
    (the key of the melody, with ``key_context`` when given, its chromatic notes and the chords'
    where they sound); each drawing is repaired (:mod:`studio.music.voice_leading_repair`) and the
    best of each ``candidates`` kept."""
    allowed = allowed_pitch_classes(soprano, VOICE_RANGE, chord_pcs, key_context)
    n = results * candidates
    drawn = draw(n, np.repeat(class_mask(allowed, VOICE_RANGE)[None], n, 0))[..., :length]
    return repaired_best_of(drawn, candidates, VOICE_RANGE, allowed[:length], chord_pcs)
