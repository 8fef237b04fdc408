"""The one-pass tie merge gives music21's stripTies results, in linear time."""
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from music21 import chord, note, stream, tie

from studio.music.grid import monophonic_voice
from studio.music.ties import merged_ties

ELEMENTS = st.tuples(st.sampled_from(["note", "chord", "rest"]), st.sampled_from([60, 62, 64]),
                     st.sampled_from([None, "start", "continue", "stop"]), st.sampled_from([0.25, 0.5, 1.0]))


def build_part(elements) -> stream.Part:
    part = stream.Part()
    for kind, pitch, tie_type, length in elements:
        if kind == "rest":
            el = note.Rest(quarterLength=length)
        elif kind == "chord":
            el = chord.Chord([pitch, pitch + 4], quarterLength=length)
        else:
            el = note.Note(pitch, quarterLength=length)
        if tie_type and kind != "rest":
            el.tie = tie.Tie(tie_type)
        part.append(el)
    return part


def described(pairs) -> list[tuple]:
    return [(type(el).__name__, tuple(p.midi for p in el.pitches), float(el.offset), float(length))
            for el, length in pairs]


@given(st.lists(ELEMENTS, max_size=40))
@settings(max_examples=300, deadline=None)
def test_same_elements_and_lengths_as_strip_ties(elements):
    flat = build_part(elements).flatten()
    ours = described(merged_ties(flat.notesAndRests))
    reference = flat.stripTies()
    assert ours == described((el, el.quarterLength) for el in reference.notesAndRests if el.quarterLength > 0)


def test_sixteen_thousand_tied_notes_merge_quickly():
    part = build_part([("note", 60 + (i // 2) % 5 * 2, "start" if i % 2 == 0 else "stop", 0.5) for i in range(16_000)])
    began = time.perf_counter()
    line = monophonic_voice(part)
    assert time.perf_counter() - began < 10  # stripTies: minutes on this machine
    assert len(line) == 8_000 and all(n.duration == 4 for n in line)
