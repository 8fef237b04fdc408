"""A voice-leading repair pass after generation, as an arranger corrects a draft.

Parallel fifths and octaves between any two voices, and voice crossings, are removed one at a time
by moving one note of a lower voice (alto or tenor first, then bass; the melody never moves) to the
nearest other tone of the chord sounding at its start (or of the given chord symbol) inside the
voice's range and the allowed pitch classes; where no chord tone helps, the voice keeps the pitch of
its previous (or next) note. A move is taken only when it lowers the number of faults, and at most
:data:`MAX_TRIES` faults are tried per harmonisation (a fault that found no move is tried again only
after a move next to it), so the pass is short; onsets and rests stay as generated, so rhythm and
repeated notes are kept.
"""
from __future__ import annotations

import numpy as np

from studio.music.encoding import FIRST_PITCH_TOKEN, PitchRange
from studio.music.voice_leading import (
    SATB_RANGES,
    STEPS_PER_BEAT,
    best_of,
    crossed_steps,
    pair_transitions,
    parallel_moves,
    pitches_and_onsets,
    wide_steps,
)

CROSSING_WEIGHT = 1 / STEPS_PER_BEAT
MAX_TRIES = 64


def faults(pitch: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Parallels plus a beat of crossing counted as one, for pitch arrays ``(..., voices, steps)``
    sharing the onsets and rests that gave ``transitions`` (:func:`pair_transitions`)."""
    parallels = (parallel_moves(pitch, transitions) >= 0).sum(-1)
    return parallels + CROSSING_WEIGHT * crossed_steps(pitch).sum((-1, -2))


def wide_spacing(pitch: np.ndarray) -> np.ndarray:
    """Steps where soprano and alto, or alto and tenor, sound more than an octave apart (a count per
    pitch array ``(..., voices, steps)``)."""
    return wide_steps(pitch).sum((-1, -2))


def note_span(pitch: np.ndarray, onset: np.ndarray, voice: int, step: int) -> tuple[int, int]:
    """``(start, end)`` of the note of ``voice`` sounding at ``step``."""
    start = step
    while start > 0 and not onset[voice, start] and pitch[voice, start - 1] >= 0:
        start -= 1
    end = step + 1
    while end < pitch.shape[1] and not onset[voice, end] and pitch[voice, end] >= 0:
        end += 1
    return start, end


def fault_notes(pitch: np.ndarray, onset: np.ndarray,
                transitions: np.ndarray) -> list[tuple[tuple[int, int, int], ...]]:
    """For each fault in time order (parallels, then crossings; one per pair of notes), the notes that
    may move to mend it: ``(voice, start, end)`` of its lower voices, alto before tenor before bass."""
    moves = parallel_moves(pitch, transitions)
    found = [tuple((v, *note_span(pitch, onset, v, t)) for v in (a, b) if v > 0 for t in (after, before))
             for a, b, before, after in transitions[moves >= 0]]
    found += [tuple((u, *note_span(pitch, onset, u, t)) for u in (v, v + 1) if u > 0)
              for v, t in zip(*np.nonzero(crossed_steps(pitch)))]
    return list(dict.fromkeys(found))


def candidate_pitches(pitch: np.ndarray, note: tuple[int, int, int], prange: PitchRange,
                      allowed: np.ndarray | None, chord_pcs: list[frozenset] | None) -> list[list[int]]:
    """New pitches for ``note`` in two tiers: other chord tones at its start (the other voices' pitch
    classes there, and the given chord's), then its neighbours' pitches (holding the line); each in
    the voice's range and allowed (``allowed``: ``(steps, 12)`` flags) at all of its steps."""
    v, start, end = note
    old = pitch[v, start]
    low, high = max(SATB_RANGES[v][0], prange.low), min(SATB_RANGES[v][1], prange.high)
    ok = allowed[start:end].all(0) if allowed is not None else np.ones(12, dtype=bool)
    others = {int(p) % 12 for u, p in enumerate(pitch[:, start]) if u != v and p >= 0}
    if chord_pcs is not None and start < len(chord_pcs):
        others |= set(chord_pcs[start])
    chord = [p for p in range(low, high + 1) if p % 12 in others and ok[p % 12] and p != old]
    neighbours = [int(pitch[v, t]) for t in (start - 1, end) if 0 <= t < pitch.shape[1] and pitch[v, t] >= 0]
    held = [p for p in dict.fromkeys(neighbours) if low <= p <= high and ok[p % 12] and p != old]
    return [chord, held]


def best_move(pitch: np.ndarray, transitions: np.ndarray, current: float, notes: list[tuple[int, int, int]],
              prange: PitchRange, allowed: np.ndarray | None,
              chord_pcs: list[frozenset] | None) -> tuple[int, int, int, int] | None:
    """The move ``(voice, start, end, new pitch)`` of one of ``notes`` that leaves fewer faults than
    ``current`` and the fewest of all (then the narrowest spacing, an inner voice, the smallest step),
    trying chord tones before held pitches; ``None`` when no move lowers the faults."""
    options = [candidate_pitches(pitch, note, prange, allowed, chord_pcs) for note in notes]
    for tier in range(2):
        trials = [(note, p) for note, tiers in zip(notes, options) for p in tiers[tier]]
        if not trials:
            continue
        tried = np.repeat(pitch[None], len(trials), 0)
        for i, ((v, start, end), p) in enumerate(trials):
            tried[i, v, start:end] = p
        left = faults(tried, transitions)
        order = np.lexsort(([abs(p - pitch[v, s]) for (v, s, _e), p in trials], [v == 3 for (v, _s, _e), _p in trials],
                            wide_spacing(tried), left))
        if left[order[0]] < current:
            (v, start, end), p = trials[order[0]]
            return v, start, end, p
    return None


def repair(tokens: np.ndarray, prange: PitchRange, allowed: np.ndarray | None = None,
           chord_pcs: list[frozenset] | None = None) -> np.ndarray:
    """A ``(4, steps)`` harmonisation with its parallels and crossings mended where a move of a
    lower voice's note can (see the module); the soprano, onsets and rests are unchanged."""
    tokens = np.asarray(tokens)
    pitch, onset = pitches_and_onsets(tokens, prange)
    transitions = pair_transitions(pitch, onset)
    failed: set[tuple] = set()
    tries = 0
    while tries < MAX_TRIES and (current := faults(pitch, transitions)) > 0:
        move = None
        for notes in fault_notes(pitch, onset, transitions):
            if notes in failed or tries >= MAX_TRIES:
                continue
            tries += 1
            if move := best_move(pitch, transitions, current, list(notes), prange, allowed, chord_pcs):
                break
            failed.add(notes)
        if move is None:
            break
        v, start, end, p = move
        pitch[v, start:end] = p
        failed = {f for f in failed if not any(s <= end and e >= start for _v, s, e in f)}
    return np.where(tokens >= FIRST_PITCH_TOKEN, pitch - prange.low + FIRST_PITCH_TOKEN, tokens)


def repaired_best_of(candidates: np.ndarray, per_result: int, prange: PitchRange, allowed: np.ndarray | None = None,
                     chord_pcs: list[frozenset] | None = None) -> np.ndarray:
    """Every candidate repaired, then the best of each group of ``per_result`` by
    :func:`~studio.music.voice_leading.harmony_cost` (:func:`~studio.music.voice_leading.best_of`)."""
    repaired = np.stack([repair(c, prange, allowed, chord_pcs) for c in np.asarray(candidates)])
    return best_of(repaired, per_result, prange, chord_pcs)
