"""Chord symbols as musicians type them: ``"Am F C G"`` (one chord a bar) or ``"Am F | C G7"``
(bars separated by ``|``, a bar's chords sharing it equally, e.g. one a beat).

Symbols are read with music21's :class:`~music21.harmony.ChordSymbol` after turning a flat ``b``
after the root into music21's ``-`` (``Bb7`` -> ``B-7``); what it cannot read is refused by name.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from studio.music.accents import beat_steps
from studio.music.score import Chord, steps_per_bar

MAX_SYMBOL_LENGTH = 12
_ROOT = re.compile(r"([A-Ga-g])(#|b|-)?(.*)")


class ChordError(ValueError):
    """A chord progression that cannot be used; the message names the problem for a musician."""


def music21_figure(symbol: str) -> str:
    """``"Bbmaj7"`` -> ``"B-maj7"``: the figure music21's ChordSymbol reads (ChordError if none)."""
    match = _ROOT.fullmatch(symbol.strip()) if len(symbol) <= MAX_SYMBOL_LENGTH else None
    if not match:
        raise ChordError(f"“{symbol}” is not a chord symbol such as C, Am, G7 or Bbmaj7.")
    letter, accidental, rest = match.groups()
    return letter.upper() + ("-" if accidental in ("b", "-") else accidental or "") + rest


@lru_cache(maxsize=512)
def pitch_classes(symbol: str) -> tuple[int, frozenset[int]]:
    """``"Am"`` -> ``(9, {9, 0, 4})``: the root's pitch class and every pitch class of the chord."""
    from music21 import harmony

    figure = music21_figure(symbol)
    try:
        chord = harmony.ChordSymbol(figure)
        pcs = frozenset(p.pitchClass for p in chord.pitches)
        root = chord.root().pitchClass
    except Exception:  # noqa: BLE001 - music21 raises several types for an unreadable figure
        raise ChordError(f"“{symbol}” is not a chord symbol such as C, Am, G7 or Bbmaj7.") from None
    if not pcs:
        raise ChordError(f"“{symbol}” is not a chord symbol such as C, Am, G7 or Bbmaj7.")
    return root, pcs


def parse_progression(text: str, metre: str, bars: int) -> list[Chord]:
    """The chords of ``text`` laid over ``bars`` bars of ``metre``. Without ``|`` each symbol fills
    a bar; with ``|`` each group fills a bar, its symbols sharing the bar equally. A progression
    shorter than ``bars`` repeats; a longer one, or a bar that cannot be shared evenly, is refused."""
    text = (text or "").strip()
    if not text:
        return []
    bar_steps = steps_per_bar(metre)
    groups = [g.split() for g in text.split("|")] if "|" in text else [[s] for s in text.split()]
    if any(not g for g in groups):
        raise ChordError("A bar between two “|” has no chord.")
    if len(groups) > bars:
        raise ChordError(f"The progression has {len(groups)} bars but the piece has {bars}.")
    chords: list[Chord] = []
    for bar in range(bars):
        group = groups[bar % len(groups)]
        if bar_steps % len(group):
            raise ChordError(f"{len(group)} chords cannot share a bar of {metre} evenly.")
        length = bar_steps // len(group)
        for i, symbol in enumerate(group):
            pitch_classes(symbol)
            chords.append(Chord(symbol, bar * bar_steps + i * length, length))
    return chords


def format_progression(chords: list[Chord], metre: str) -> str:
    """The text :func:`parse_progression` reads back into ``chords`` (bars joined by ``|``)."""
    bar_steps = steps_per_bar(metre)
    bars: dict[int, list[str]] = {}
    for chord in sorted(chords, key=lambda c: c.start):
        bars.setdefault(chord.start // bar_steps, []).append(chord.symbol)
    return " | ".join(" ".join(symbols) for _bar, symbols in sorted(bars.items()))


# Chord estimation from a melody (the core of suggest_chords and the VAE's training labels) ------------

NO_CHORD = -1
FEATURES = 25  # 12 pitch classes sounding, 12 for the root, 1 "no chord"
_MAJOR_DEGREES = ((0, "maj"), (2, "min"), (4, "min"), (5, "maj"), (7, "maj"), (9, "min"))
_MINOR_DEGREES = ((0, "min"), (3, "maj"), (5, "min"), (7, "maj"), (8, "maj"), (10, "maj"))
_TRIADS = {"maj": (0, 4, 7), "min": (0, 3, 7)}
_SPELLING = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]


def chord_code(symbol: str) -> int:
    """One int for a chord symbol: ``root * 4096 + pitch-class mask`` (what training windows store)."""
    root, pcs = pitch_classes(symbol)
    return root * 4096 + sum(1 << pc for pc in pcs)


def key_triads(tonic: int, mode: str) -> list[tuple[str, int]]:
    """The key's main triads as ``(symbol, code)``: I ii iii IV V vi in major, i III iv V VI VII in
    minor (the dominant major, as in harmonic minor)."""
    out = []
    for degree, quality in _MAJOR_DEGREES if mode == "major" else _MINOR_DEGREES:
        root = (tonic + degree) % 12
        mask = sum(1 << ((root + i) % 12) for i in _TRIADS[quality])
        out.append((_SPELLING[root] + ("m" if quality == "min" else ""), root * 4096 + mask))
    return out


def _weights(notes, start: int, end: int, metre: str) -> np.ndarray:
    """Pitch-class weights of the notes sounding in ``[start, end)``: the steps each sounds, doubled
    for a note struck on a beat."""
    bar, beat = steps_per_bar(metre), beat_steps(metre)
    hist = np.zeros(12)
    for n in notes:
        lo, hi = max(n.start, start), min(n.end, end)
        if hi > lo:
            hist[n.pitch % 12] += (hi - lo) * (2.0 if n.start >= start and n.start % bar % beat == 0 else 1.0)
    return hist


def _best(hist: np.ndarray, triads: list[tuple[str, int]], previous: str | None) -> tuple[str, int, float]:
    """The triad whose tones carry most of ``hist`` (weight on chord tones minus half the weight off
    them; the previous chord wins ties, then the earlier degree)."""
    best, best_score = triads[0], -np.inf
    for symbol, code in triads:
        inside = sum(hist[pc] for pc in range(12) if code >> pc & 1)
        score = inside - 0.5 * (hist.sum() - inside) + (1e-6 if symbol == previous else 0.0)
        if score > best_score + 1e-9:
            best, best_score = (symbol, code), score
    return best[0], best[1], float(best_score)


def estimate_chords(notes, metre: str, bars: int, key: tuple[int, str] | None = None) -> list[Chord]:
    """One chord a bar from the key's main triads (:func:`key_triads`), or one a half bar where the two
    halves fit two different triads clearly better than one; bars with no notes keep the previous
    chord. ``key`` is ``(tonic, mode)``, estimated from the notes when ``None``."""
    from studio.music.keys import estimate_key

    notes = list(notes)
    if not notes:
        return []
    tonic, mode = key or estimate_key([n.pitch for n in notes])
    triads = key_triads(tonic, mode)
    bar_steps = steps_per_bar(metre)
    half = bar_steps // 2
    by_bar: list[list] = [[] for _ in range(bars)]
    for n in notes:
        for bar in range(n.start // bar_steps, min(bars, (n.end - 1) // bar_steps + 1)):
            by_bar[bar].append(n)
    out: list[Chord] = []
    previous = None
    for bar in range(bars):
        start, notes = bar * bar_steps, by_bar[bar]
        whole = _weights(notes, start, start + bar_steps, metre)
        if whole.sum() == 0:
            symbol = previous or triads[0][0]
            out.append(Chord(symbol, start, bar_steps))
            previous = symbol
            continue
        symbol, _code, score = _best(whole, triads, previous)
        first = _best(_weights(notes, start, start + half, metre), triads, previous)
        second = _best(_weights(notes, start + half, start + bar_steps, metre), triads, first[0])
        if first[0] != second[0] and first[2] + second[2] > score + 0.25 * whole.sum():
            out += [Chord(first[0], start, half), Chord(second[0], start + half, bar_steps - half)]
            previous = second[0]
        else:
            out.append(Chord(symbol, start, bar_steps))
            previous = symbol
    return out


def chord_codes(chords: list[Chord], total_steps: int) -> np.ndarray:
    """Per 16th step, the :func:`chord_code` of the chord sounding (:data:`NO_CHORD` where none)."""
    codes = np.full(total_steps, NO_CHORD, dtype=np.int32)
    for chord in chords:
        codes[max(0, chord.start):min(total_steps, chord.start + chord.duration)] = chord_code(chord.symbol)
    return codes


def code_features(codes: np.ndarray) -> np.ndarray:
    """``(..., FEATURES)`` float32 model inputs of chord codes: the chord's pitch classes, its root
    (one-hot) and a "no chord" flag."""
    codes = np.asarray(codes)
    present = codes >= 0
    mask, root = np.where(present, codes % 4096, 0), np.where(present, codes // 4096, 0)
    pcs = (mask[..., None] >> np.arange(12)) & 1
    roots = (root[..., None] == np.arange(12)) & present[..., None]
    return np.concatenate([pcs, roots, ~present[..., None]], axis=-1).astype(np.float32)
