"""Quantisation of music21 streams onto the studio's 16th-note grid.

A *voice* here is a list of :class:`~studio.music.score.Note` on the grid, made monophonic
(the highest note wins when notes start together; an earlier note is cut where the next begins).
"""
from __future__ import annotations

from music21 import chord, harmony, note, stream

from studio.music.score import Note
from studio.music.ties import merged_ties

STEPS_PER_QUARTER = 4
# Time signatures whose bars tile a 4/4 bar exactly: 2/4 bars are paired, 4/2 bars are split.
DUPLE_METRES = frozenset({"4/4", "2/2", "2/4", "4/2"})


def to_steps(quarter_length: float) -> int:
    """Quarter lengths to the nearest 16th-note step."""
    return int(round(float(quarter_length) * STEPS_PER_QUARTER))


def metres_of(s: stream.Stream) -> set[str]:
    """All time-signature ratio strings found anywhere in ``s``."""
    return {ts.ratioString for ts in s.recurse().getElementsByClass("TimeSignature")}


def pickup_shift(part: stream.Stream) -> float:
    """Quarter lengths to add to every offset so that the first full bar starts on a multiple of four
    quarters (a 4/4 bar line). An anacrusis then ends exactly on that bar line."""
    measures = list(part.getElementsByClass("Measure"))
    if not measures:
        return 0.0
    first_full = measures[0].offset
    if measures[0].paddingLeft and len(measures) > 1:
        first_full = measures[1].offset
    return float((-first_full) % 4.0)


def monophonic_voice(part: stream.Stream, voice: int = 0, shift: float = 0.0) -> list[Note]:
    """The melodic line of ``part`` on the 16th grid: ties merged, grace notes and chord symbols
    dropped, the top note of any chord kept, overlaps removed."""
    flat = part.flatten()
    events: dict[int, tuple[int, int]] = {}
    for el, length in merged_ties(flat.notesAndRests):
        if isinstance(el, harmony.Harmony):
            continue
        if isinstance(el, note.Note):
            pitch = el.pitch.midi
        elif isinstance(el, chord.Chord) and el.pitches:
            pitch = max(p.midi for p in el.pitches)
        else:
            continue
        start = to_steps(el.offset + shift)
        end = to_steps(el.offset + shift + length)
        if start < 0:
            continue
        dur = max(1, end - start)
        if start not in events or pitch > events[start][0]:
            events[start] = (pitch, dur)
    return clean_line([Note(p, s, d, voice=voice) for s, (p, d) in sorted(events.items())])


def clean_line(notes: list[Note]) -> list[Note]:
    """Make a sorted line monophonic: each note is cut where the next one starts."""
    notes = sorted(notes, key=lambda n: (n.start, -n.pitch))
    out: list[Note] = []
    for n in notes:
        if out and out[-1].start == n.start:
            continue
        if out and out[-1].end > n.start:
            out[-1].duration = n.start - out[-1].start
        out.append(n)
    return out
