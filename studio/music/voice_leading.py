"""Voice-leading of four-part writing, measured on token arrays (REST / HOLD / note-on per 16th step,
soprano first), as a harmony teacher would mark it:

* parallels: two voices a perfect fifth (or an octave / unison, compound intervals included) apart
  that both move, in the same direction, to the same perfect interval, between consecutive onsets of
  the pair (an onset in either voice while both sound; a rest in either breaks the chain);
  counted per 100 beats (a beat = a quarter note, 4 steps);
* range: share of notes outside the voice's textbook range (:data:`SATB_RANGES`);
* spacing: share of sounding steps where soprano and alto, or alto and tenor, are more than an
  octave apart;
* crossing: share of sounding steps where a voice is below the voice under it;
* repeated notes: share of the lower voices' notes that repeat the previous note's pitch with no rest
  between (re-struck, not held).

:func:`harmony_cost` folds these (and the fit to the key and to given chords) into one number used to
choose among generated harmonisations.
"""
from __future__ import annotations

import numpy as np

from studio.music.encoding import FIRST_PITCH_TOKEN, HOLD, PitchRange

SATB_RANGES = ((60, 79), (55, 74), (48, 67), (40, 60))
STEPS_PER_BEAT = 4
MAJOR_SCALE = np.array([0, 2, 4, 5, 7, 9, 11])
SCALES = np.array([np.isin(np.arange(12), (MAJOR_SCALE + tonic) % 12) for tonic in range(12)], dtype=np.int64)


def pitches_and_onsets(tokens: np.ndarray, prange: PitchRange) -> tuple[np.ndarray, np.ndarray]:
    """MIDI pitch per step (-1 for silence) and onset flags, for token arrays of any leading shape."""
    tokens = np.asarray(tokens)
    steps = np.arange(tokens.shape[-1])
    source = np.maximum.accumulate(np.where(tokens != HOLD, steps, 0), axis=-1)
    struck = np.take_along_axis(tokens, source, axis=-1)
    pitch = np.where(struck >= FIRST_PITCH_TOKEN, prange.low + struck - FIRST_PITCH_TOKEN, -1).astype(np.int64)
    return pitch, (tokens >= FIRST_PITCH_TOKEN) & (pitch >= 0)


def pair_transitions(pitch: np.ndarray, onset: np.ndarray) -> np.ndarray:
    """Every move of every voice pair in one sample's ``(voices, steps)`` arrays, as rows ``(a, b,
    before, after)``: ``before`` and ``after`` are consecutive onsets of the pair (an onset in either
    voice while both sound) with no rest in either between them. Depends only on onsets and rests,
    so it holds while a note's pitch is changed."""
    sounding = pitch >= 0
    rows = []
    for a in range(len(pitch)):
        for b in range(a + 1, len(pitch)):
            both = sounding[a] & sounding[b]
            events = np.flatnonzero(both & (onset[a] | onset[b]))
            breaks = np.cumsum(~both)
            linked = breaks[events[1:]] == breaks[events[:-1]]
            rows += [(a, b, before, after) for before, after in zip(events[:-1][linked], events[1:][linked])]
    return np.array(rows, dtype=np.int64).reshape(-1, 4)


def parallel_moves(pitch: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Which of the :func:`pair_transitions` are parallel perfect intervals, for pitch arrays
    ``(..., voices, steps)``: 7 for a fifth, 0 for an octave or unison, -1 for none (``(...,
    transitions)``)."""
    a, b, before, after = transitions.T
    qa, qb, pa, pb = pitch[..., a, before], pitch[..., b, before], pitch[..., a, after], pitch[..., b, after]
    moved = (pa != qa) & (pb != qb) & (np.sign(pa - qa) == np.sign(pb - qb))
    interval = np.abs(pa - pb) % 12
    perfect = moved & (interval == np.abs(qa - qb) % 12) & ((interval == 7) | (interval == 0))
    return np.where(perfect, interval, -1)


def crossed_steps(pitch: np.ndarray) -> np.ndarray:
    """For pitch arrays ``(..., voices, steps)``: ``(..., voices - 1, steps)`` flags of the steps where a
    voice sounds below the voice under it."""
    upper, lower = pitch[..., :-1, :], pitch[..., 1:, :]
    return (upper < lower) & (upper >= 0) & (lower >= 0)


def wide_steps(pitch: np.ndarray) -> np.ndarray:
    """For pitch arrays ``(..., voices, steps)``: ``(..., 2, steps)`` flags of the steps where soprano
    and alto, or alto and tenor, sound more than an octave apart."""
    upper, lower = pitch[..., :2, :], pitch[..., 1:3, :]
    return (upper - lower > 12) & (upper >= 0) & (lower >= 0)


def parallel_counts(pitch: np.ndarray, onset: np.ndarray) -> tuple[int, int]:
    """Parallel fifths and parallel octaves (with unisons) in one sample's ``(voices, steps)`` arrays."""
    moves = parallel_moves(pitch, pair_transitions(pitch, onset))
    return int((moves == 7).sum()), int((moves == 0).sum())


def note_lists(pitch: np.ndarray, onset: np.ndarray) -> list[list[tuple[int, int, bool]]]:
    """Per voice, its notes as ``(start, pitch, follows_a_rest)``."""
    out = []
    for row_p, row_o in zip(pitch, onset):
        notes, silent_before = [], True
        for t, (p, o) in enumerate(zip(row_p, row_o)):
            if o:
                notes.append((t, int(p), silent_before))
            silent_before = p < 0
        out.append(notes)
    return out


def sample_counts(tokens: np.ndarray, prange: PitchRange) -> dict[str, int]:
    """Raw counts for one ``(4, steps)`` token array (summed over samples by :func:`voice_leading_metrics`)."""
    pitch, onset = pitches_and_onsets(tokens, prange)
    fifths, octaves = parallel_counts(pitch, onset)
    notes = note_lists(pitch, onset)
    out_of_range = [sum(not lo <= p <= hi for _, p, _ in voice) for voice, (lo, hi) in zip(notes, SATB_RANGES)]
    lower = [n for voice in notes[1:] for n in voice]
    repeats = sum(1 for voice in notes[1:] for prev, cur in zip(voice, voice[1:]) if cur[1] == prev[1] and not cur[2])
    sounding = pitch >= 0
    spaced_total = sum(int((sounding[a] & sounding[b]).sum()) for a, b in ((0, 1), (1, 2)))
    both = sounding[:-1] & sounding[1:]
    return {"fifths": fifths, "octaves": octaves, "beats": pitch.shape[-1] / STEPS_PER_BEAT,
            "notes": [len(v) for v in notes], "out_of_range": out_of_range,
            "lower_notes": len(lower), "repeats": repeats, "spaced": int(wide_steps(pitch).sum()),
            "spaced_total": spaced_total, "crossed": int(crossed_steps(pitch).sum()), "crossed_total": int(both.sum())}


def voice_leading_metrics(tokens: np.ndarray, prange: PitchRange) -> dict:
    """Voice-leading of ``(n, 4, steps)`` token arrays: ``parallel_fifths_per_100_beats``,
    ``parallel_octaves_per_100_beats``, ``parallels_per_100_beats`` (both), ``out_of_range`` (share of
    notes) and ``out_of_range_by_voice``, ``spacing`` (share of sounding S-A and A-T steps wider than
    an octave), ``voice_crossing`` and ``repeated_notes`` (share of the lower voices' notes)."""
    counts = [sample_counts(t, prange) for t in np.asarray(tokens)]
    if not counts:
        return {}
    total = {k: sum(c[k] for c in counts) for k in ("fifths", "octaves", "beats", "lower_notes", "repeats",
                                                     "spaced", "spaced_total", "crossed", "crossed_total")}
    notes = np.sum([c["notes"] for c in counts], axis=0)
    outside = np.sum([c["out_of_range"] for c in counts], axis=0)
    per_100 = 100.0 / max(total["beats"], 1)
    names = ("soprano", "alto", "tenor", "bass")
    return {
        "parallel_fifths_per_100_beats": total["fifths"] * per_100,
        "parallel_octaves_per_100_beats": total["octaves"] * per_100,
        "parallels_per_100_beats": (total["fifths"] + total["octaves"]) * per_100,
        "out_of_range": float(outside.sum() / max(notes.sum(), 1)),
        "out_of_range_by_voice": {n: float(o / max(c, 1)) for n, o, c in zip(names, outside, notes)},
        "spacing": total["spaced"] / max(total["spaced_total"], 1),
        "voice_crossing": total["crossed"] / max(total["crossed_total"], 1),
        "repeated_notes": total["repeats"] / max(total["lower_notes"], 1),
    }


def key_fit(pitches: np.ndarray) -> float:
    """Share of ``pitches`` inside their best-fitting major scale (1.0 for none)."""
    pcs = np.asarray(pitches) % 12
    if len(pcs) == 0:
        return 1.0
    return float((SCALES @ np.bincount(pcs, minlength=12)).max() / len(pcs))


def harmony_cost(tokens: np.ndarray, prange: PitchRange, chord_pcs: list[frozenset] | None = None) -> float:
    """A lower-is-better mark for one ``(4, steps)`` harmonisation: parallels (each counts 1), notes
    out of key, out of range, wide spacing and crossings (shares, weighted 4, 2, 2, 2), and, when
    ``chord_pcs`` gives the chord's pitch classes per step (empty: no chord), lower-voice onsets off
    the chord (share, weighted 4)."""
    pitch, onset = pitches_and_onsets(tokens, prange)
    c = sample_counts(tokens, prange)
    played = pitch[onset]
    cost = c["fifths"] + c["octaves"] + 4 * (1 - key_fit(played))
    cost += 2 * sum(c["out_of_range"]) / max(sum(c["notes"]), 1)
    cost += 2 * c["spaced"] / max(c["spaced_total"], 1) + 2 * c["crossed"] / max(c["crossed_total"], 1)
    if chord_pcs is not None:
        hits = [int(pitch[v, t]) % 12 in chord_pcs[t] for v in range(1, len(pitch)) for t in np.flatnonzero(onset[v])
                if t < len(chord_pcs) and chord_pcs[t]]
        if hits:
            cost += 4 * (1 - float(np.mean(hits)))
    return float(cost)


def best_of(candidates: np.ndarray, per_result: int, prange: PitchRange,
            chord_pcs: list[frozenset] | None = None) -> np.ndarray:
    """From ``(n * per_result, 4, steps)`` candidate harmonisations, the lowest-:func:`harmony_cost`
    one of each consecutive group of ``per_result``: ``(n, 4, steps)``."""
    candidates = np.asarray(candidates)
    costs = np.array([harmony_cost(c, prange, chord_pcs) for c in candidates]).reshape(-1, per_result)
    return candidates[np.arange(len(costs)) * per_result + costs.argmin(axis=1)]
