"""Quantisation of music21 streams onto the studio's 16th-note grid.

A *voice* here is a list of :class:`~studio.music.score.Note` on the grid, made monophonic
(the highest note wins when notes start together; an earlier note is cut where the next begins).
"""
from __future__ import annotations

from music21 import chord, harmony, note, stream

from studio.music.score import SUPPORTED_METRES, Note, steps_per_bar
from studio.music.ties import merged_ties

STEPS_PER_QUARTER = 4
# Corpus time signatures the studio does not support, mapped where the bars tile exactly: two 3/8 bars
# make one 6/8 bar (same beat, the jig's dotted quarter) and a 4/2 bar splits into two 2/2 bars.
EXACT_METRE_MAP = {"3/8": "6/8", "4/2": "2/2"}


def to_steps(quarter_length: float) -> int:
    """Quarter lengths to the nearest 16th-note step."""
    return int(round(float(quarter_length) * STEPS_PER_QUARTER))


def metres_of(s: stream.Stream) -> set[str]:
    """All time-signature ratio strings found anywhere in ``s``."""
    return {ts.ratioString for ts in s.recurse().getElementsByClass("TimeSignature")}


def single_metre(metres: set[str], exact_map: dict[str, str] | None = None) -> str | None:
    """The one supported metre named by ``metres`` (after ``exact_map``), or ``None`` when there is
    none, several, or one the studio does not support."""
    mapped = {(exact_map or {}).get(m, m) for m in metres}
    if len(mapped) != 1:
        return None
    (metre,) = mapped
    return metre if metre in SUPPORTED_METRES else None


def bar_quarters(metre: str) -> float:
    """Quarter lengths in one bar of a supported ``metre``."""
    return steps_per_bar(metre) / STEPS_PER_QUARTER


def pickup_shift(part: stream.Stream, bar_length: float = 4.0) -> float:
    """Quarter lengths to add to every offset so that the first full bar starts on a multiple of
    ``bar_length`` quarters (a bar line of the grid). An anacrusis then ends exactly on that bar line."""
    measures = list(part.getElementsByClass("Measure"))
    if not measures:
        return 0.0
    first_full = measures[0].offset
    if measures[0].paddingLeft and len(measures) > 1:
        first_full = measures[1].offset
    return float((-first_full) % bar_length)


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
