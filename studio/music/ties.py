"""Merging tied notes in one pass over a flat stream.

music21's ``Stream.stripTies`` is quadratic in the number of notes (it removes each absorbed note with a
recursive search and copies the stream first): 16k tied notes take seconds, 200k take minutes. This module
follows the same rules as ``stripTies(matchByPitch=True)`` on a flat stream, without changing the stream:

- ties join sounding elements (notes, chords and rests longer than zero) in stream order;
- a ``start`` opens a group, or extends the group that the previous element belongs to;
- a ``continue`` extends the group when it matches the previous element (same pitch, or a chord of the
  same pitches), otherwise it opens a new group;
- a note with a ``stop`` tie, or an element matching the previous grouped one, closes the group: its first
  element then lasts as long as the whole group and the others disappear.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from music21 import chord, note
from music21.common.numberTools import opFrac


def merged_ties(elements: Iterable) -> Iterator[tuple[object, float]]:
    """``(element, quarter_length)`` for every sounding element of ``elements`` (a flat stream's notes and
    rests, in order) that is not absorbed by a tie; a tied group's first element gets the group's length."""
    sounding = [el for el in elements if el.quarterLength > 0]
    lengths = {i: el.quarterLength for i, el in enumerate(sounding)}
    group: list[int] = []
    for i, el in enumerate(sounding):
        previous = sounding[i - 1] if i else None
        follows_group = bool(group) and group[-1] == i - 1
        tie_type = el.tie.type if getattr(el, "tie", None) is not None else None
        if tie_type == "start":
            group = group + [i] if follows_group else [i]
        elif tie_type == "continue":
            group = group + [i] if group and _ends_tie(el, previous, follows_group) else [i]
        elif _ends_tie(el, previous, follows_group):
            group.append(i)
            if len(group) >= 2:
                _absorb(group, sounding, lengths)
            group = []
    for i, el in enumerate(sounding):
        if i in lengths:
            yield el, lengths[i]


def _absorb(group: list[int], sounding: list, lengths: dict[int, float]) -> None:
    """Give the group's first element the group's length and drop the others."""
    rest_of_group = 0
    for i in group[1:]:
        rest_of_group += sounding[i].quarterLength
        del lengths[i]
    lengths[group[0]] = opFrac(sounding[group[0]].quarterLength + rest_of_group)


def _ends_tie(el, previous, follows_group: bool) -> bool:
    """Whether ``el`` closes (or, for a ``continue``, extends) the group its predecessor belongs to."""
    tie = getattr(el, "tie", None)
    if tie is not None and tie.type == "stop" and not isinstance(el, chord.Chord):
        return True
    if previous is None or not follows_group:
        return False
    if (hasattr(previous, "pitch") and hasattr(el, "pitch") and not isinstance(previous, chord.Chord)
            and not isinstance(el, chord.Chord)):
        if previous.pitch == el.pitch:
            return True
    if isinstance(el, note.Note) or not (hasattr(previous, "pitches") and hasattr(el, "pitches")):
        return False
    if len(previous.pitches) != len(el.pitches):
        return False
    return all(a.step == b.step and a.isEnharmonic(b) for a, b in zip(previous.pitches, el.pitches))
