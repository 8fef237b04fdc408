"""Evaluation metrics of the studio models, as plain numpy functions.

* Melody features and overlap areas after Yang & Lerch (2018), "On the evaluation of generative
  models in music" (the mgeval toolbox): per-sample features, intra-set distances of the reference
  set and inter-set distances to the generated set, each smoothed with a Gaussian KDE; the overlap
  area of the two densities is 1 for indistinguishable sets.
* MuseGAN's metrics (Dong et al. 2018) on four-part token arrays: empty bars, used pitch classes per bar,
  qualified notes, tonal distance between voices (Harte et al. 2006 tonal centroids); plus in-key
  ratio and voice-crossing rate for four-part writing.

"Qualified" notes: MuseGAN counts notes of at least 3 of its 96-per-bar steps (a 32nd); on our
16th grid every note is at least a 16th, so we count notes of at least two steps (an 8th) and call
shorter ones fragmented.
"""
from __future__ import annotations

import numpy as np
from scipy.stats import gaussian_kde

from studio.music.encoding import FIRST_PITCH_TOKEN, MELODY_RANGE, PitchRange, canonical, decode_line, tokens_to_roll
from studio.music.score import STEPS_PER_BAR

MELODY_FEATURES = ("pitch_class_histogram", "pitch_range", "average_interval", "inter_onset_interval",
                   "note_length_histogram")
LENGTH_BINS = np.array([1, 2, 3, 4, 6, 8, 12, 16])
MAJOR_SCALE = np.array([0, 2, 4, 5, 7, 9, 11])


def token_accuracy(predicted: np.ndarray, target: np.ndarray) -> float:
    """Share of steps whose token is right."""
    return float((np.asarray(predicted) == np.asarray(target)).mean())


def melody_features(tokens: np.ndarray, prange: PitchRange = MELODY_RANGE) -> dict[str, float | np.ndarray]:
    """mgeval-style features of one token sequence: pitch-class histogram (12, sums to 1), pitch
    range (semitones), average absolute interval (semitones), average inter-onset interval (16th
    steps) and note-length histogram over :data:`LENGTH_BINS` (nearest bin, sums to 1)."""
    notes = decode_line(tokens, prange)
    pcs = np.zeros(12)
    lengths = np.zeros(len(LENGTH_BINS))
    if not notes:
        return {"pitch_class_histogram": pcs, "pitch_range": 0.0, "average_interval": 0.0,
                "inter_onset_interval": 0.0, "note_length_histogram": lengths}
    pitches = np.array([n.pitch for n in notes])
    starts = np.array([n.start for n in notes])
    for n in notes:
        pcs[n.pitch % 12] += 1
        lengths[np.abs(LENGTH_BINS - n.duration).argmin()] += 1
    return {
        "pitch_class_histogram": pcs / pcs.sum(),
        "pitch_range": float(pitches.max() - pitches.min()),
        "average_interval": float(np.abs(np.diff(pitches)).mean()) if len(notes) > 1 else 0.0,
        "inter_onset_interval": float(np.diff(starts).mean()) if len(notes) > 1 else 0.0,
        "note_length_histogram": lengths / lengths.sum(),
    }


def _feature_matrix(token_rows, name: str, prange: PitchRange) -> np.ndarray:
    return np.array([np.atleast_1d(melody_features(t, prange)[name]) for t in token_rows], dtype=float)


def _distances(a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """Euclidean distances between rows of ``a`` and ``b`` (or between distinct rows of ``a``)."""
    if b is None:
        d = np.linalg.norm(a[:, None] - a[None], axis=-1)
        return d[np.triu_indices(len(a), k=1)]
    return np.linalg.norm(a[:, None] - b[None], axis=-1).ravel()


def overlap_area(x: np.ndarray, y: np.ndarray, grid: int = 1000) -> float:
    """Area shared by Gaussian-KDE densities of samples ``x`` and ``y``, integrated numerically."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    lo, hi = min(x.min(), y.min()), max(x.max(), y.max())
    span = hi - lo if hi > lo else 1.0
    xs = np.linspace(lo - 0.25 * span, hi + 0.25 * span, grid)

    def density(v):
        if np.ptp(v) == 0:
            v = v + np.random.default_rng(0).normal(0, 1e-3 * span, len(v))
        return gaussian_kde(v)(xs)

    return float(np.trapezoid(np.minimum(density(x), density(y)), xs))


def mgeval_overlap(reference, generated, prange: PitchRange = MELODY_RANGE) -> dict[str, float]:
    """Overlap area per feature between the intra-set distances of ``reference`` and the inter-set
    distances ``generated``-to-``reference`` (token sequences), plus their mean under ``"mean"``."""
    out = {}
    for name in MELODY_FEATURES:
        ref = _feature_matrix(reference, name, prange)
        gen = _feature_matrix(generated, name, prange)
        out[name] = overlap_area(_distances(ref, None), _distances(gen, ref))
    out["mean"] = float(np.mean([out[n] for n in MELODY_FEATURES]))
    return out


# -- multi-voice metrics -------------------------------------------------------------------------

def _tonal_matrix() -> np.ndarray:
    """Harte et al.'s 6 x 12 projection of chroma onto the circles of fifths, minor and major thirds."""
    pcs = np.arange(12)
    rows = []
    for radius, angle in ((1.0, 7 * np.pi / 6), (1.0, 3 * np.pi / 2), (0.5, 2 * np.pi / 3)):
        rows += [radius * np.sin(pcs * angle), radius * np.cos(pcs * angle)]
    return np.array(rows)


TONAL = _tonal_matrix()


def tonal_centroid(chroma: np.ndarray) -> np.ndarray:
    """The 6-D tonal centroid of a 12-bin chroma vector (zeros for an empty one)."""
    total = chroma.sum()
    return TONAL @ chroma / total if total > 0 else np.zeros(6)


def musegan_metrics(tokens: np.ndarray, prange: PitchRange) -> dict[str, float]:
    """Metrics of four-part token arrays ``(n, voices, steps)`` (REST / HOLD / note-on, so repeated
    notes count as notes): ``empty_bars``, ``used_pitch_classes``, ``qualified_notes``,
    ``tonal_distance``, ``in_key_ratio`` and ``voice_crossing``. Bars are 16-step segments."""
    tokens = np.asarray(tokens)
    rolls = tokens_to_roll(tokens, prange)
    n, voices, steps = rolls.shape
    bars = steps // STEPS_PER_BAR
    silent = prange.n_pitches
    pitch = np.where(rolls == silent, -1, rolls + prange.low)
    by_bar = pitch.reshape(n, voices, bars, STEPS_PER_BAR)
    empty = (by_bar < 0).all(-1)
    upc = [len({p % 12 for p in bar if p >= 0}) for bar in by_bar.reshape(-1, STEPS_PER_BAR) if (bar >= 0).any()]
    durations, key_fit = [], []
    for i in range(n):
        sample_notes = []
        for v in range(voices):
            notes = decode_line(tokens[i, v], prange)
            durations += [x.duration for x in notes]
            sample_notes += notes
        key_fit.append(in_key_ratio([x.pitch for x in sample_notes]))
    tonal = []
    for a in range(voices):
        for b in range(a + 1, voices):
            for i in range(n):
                for bar in range(bars):
                    ca, cb = _chroma(by_bar[i, a, bar]), _chroma(by_bar[i, b, bar])
                    if ca.sum() and cb.sum():
                        tonal.append(np.linalg.norm(tonal_centroid(ca) - tonal_centroid(cb)))
    return {
        "empty_bars": float(empty.mean()),
        "used_pitch_classes": float(np.mean(upc)) if upc else 0.0,
        "qualified_notes": float(np.mean(np.array(durations) >= 2)) if durations else 0.0,
        "tonal_distance": float(np.mean(tonal)) if tonal else 0.0,
        "in_key_ratio": float(np.mean([k for k in key_fit if k is not None])) if any(k is not None for k in key_fit) else 0.0,
        "voice_crossing": voice_crossing_rate(pitch),
    }


def _chroma(bar_pitches: np.ndarray) -> np.ndarray:
    chroma = np.zeros(12)
    for p in bar_pitches[bar_pitches >= 0]:
        chroma[p % 12] += 1
    return chroma


def in_key_ratio(pitches) -> float | None:
    """Share of notes inside the best-fitting major scale (its relative minor shares it); ``None``
    when there are no notes."""
    pcs = np.asarray(pitches) % 12
    if len(pcs) == 0:
        return None
    best = max(np.isin(pcs, (MAJOR_SCALE + tonic) % 12).mean() for tonic in range(12))
    return float(best)


def voice_crossing_rate(pitch: np.ndarray) -> float:
    """Share of (sample, step, adjacent voice pair) with both voices sounding where the upper voice
    is below the lower one. ``pitch`` is ``(n, voices, steps)`` MIDI pitches, -1 for silence."""
    upper, lower = pitch[:, :-1], pitch[:, 1:]
    both = (upper >= 0) & (lower >= 0)
    return float(((upper < lower) & both).sum() / max(1, both.sum()))



# -- melody reconstruction and structure ---------------------------------------------------------

def onset_accuracy(predicted: np.ndarray, target: np.ndarray) -> float:
    """Share of note onsets right: steps where prediction and target strike the same pitch, over the
    steps where either strikes a note (a missed onset and an extra one both count against)."""
    predicted, target = np.asarray(predicted), np.asarray(target)
    pred_on, true_on = predicted >= FIRST_PITCH_TOKEN, target >= FIRST_PITCH_TOKEN
    union = int((pred_on | true_on).sum())
    return float((pred_on & (predicted == target)).sum() / union) if union else 1.0


def exact_window_rate(predicted: np.ndarray, target: np.ndarray) -> float:
    """Share of windows whose every note (pitch, onset, length) is right (orphan holds read as rests)."""
    same = [np.array_equal(canonical(p), canonical(t)) for p, t in zip(predicted, target)]
    return float(np.mean(same)) if same else 0.0


def bar_repetition_rate(tokens: np.ndarray, bar_steps: int) -> float:
    """Share of bars (after each window's first) that repeat an earlier bar of the same window exactly:
    how much of the melody is built from its own material (AABB tunes score high)."""
    repeats = total = 0
    for row in np.asarray(tokens):
        bars = [canonical(row[i:i + bar_steps]).tobytes() for i in range(0, len(row), bar_steps)]
        seen = set()
        for k, bar in enumerate(bars):
            if k:
                repeats += bar in seen
                total += 1
            seen.add(bar)
    return repeats / total if total else 0.0


def chord_tone_rate(tokens: np.ndarray, chords, metre: str) -> float:
    """Share of the notes struck on a beat of ``metre`` whose pitch class belongs to the chord sounding
    (``chords``: a list of :class:`~studio.music.score.Chord`); chance for a triad is 0.25."""
    from studio.music.chords import beat_steps, pitch_classes

    beat = beat_steps(metre)
    hits = []
    for row in np.asarray(tokens):
        for n in decode_line(row):
            chord = next((c for c in chords if c.start <= n.start < c.start + c.duration), None)
            if chord is not None and n.start % beat == 0:
                hits.append(n.pitch % 12 in pitch_classes(chord.symbol)[1])
    return float(np.mean(hits)) if hits else 0.0
