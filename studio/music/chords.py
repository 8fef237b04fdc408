"""Chord symbols as musicians type them: ``"Am F C G"`` (one chord a bar) or ``"Am F | C G7"``
(bars separated by ``|``, a bar's chords sharing it equally, e.g. one a beat).

Symbols are read with music21's :class:`~music21.harmony.ChordSymbol` after turning a flat ``b``
after the root into music21's ``-`` (``Bb7`` -> ``B-7``); what it cannot read is refused by name.
"""
from __future__ import annotations

import re
from functools import lru_cache

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
