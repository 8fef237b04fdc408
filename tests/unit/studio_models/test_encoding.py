"""Token encodings and grid round trips."""
import io

import numpy as np
import pretty_midi
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.music.encoding import (HOLD, MELODY_RANGE, REST, VOICE_RANGE, canonical, decode_line, encode_line,
                                   random_transpose, roll_to_tokens, tokens_to_onsets, tokens_to_roll)
from studio.music.export import to_midi, to_musicxml
from studio.music.io import load_score
from studio.music.score import Note, Score


@st.composite
def lines(draw, steps=32, prange=MELODY_RANGE):
    """Monophonic lines on the grid: notes and gaps in turn."""
    notes, t = [], draw(st.integers(0, 4))
    while t < steps:
        dur = draw(st.integers(1, 8))
        notes.append(Note(draw(st.integers(prange.low, prange.high)), t, min(dur, steps - t)))
        t += dur + draw(st.integers(0, 3))
    return notes


def test_vocabulary_matches_musicvae_style():
    assert MELODY_RANGE.vocab_size == 50
    assert encode_line([Note(48, 0, 2)], 4).tolist() == [2, HOLD, REST, REST]


@given(lines())
@settings(max_examples=60, deadline=None)
def test_tokens_round_trip(notes):
    tokens = encode_line(notes, 32)
    assert decode_line(tokens) == notes
    assert (canonical(tokens) == tokens).all()


@given(lines(steps=64, prange=VOICE_RANGE))
@settings(max_examples=40, deadline=None)
def test_roll_round_trip_merges_only_repeated_pitches(notes):
    tokens = encode_line(notes, 64, VOICE_RANGE)
    back = roll_to_tokens(tokens_to_roll(tokens, VOICE_RANGE), VOICE_RANGE)
    assert (tokens_to_roll(back, VOICE_RANGE) == tokens_to_roll(tokens, VOICE_RANGE)).all()
    repeated = any(a.end == b.start and a.pitch == b.pitch for a, b in zip(notes, notes[1:]))
    if not repeated:
        assert (back == tokens).all()


@given(lines(steps=64, prange=VOICE_RANGE))
@settings(max_examples=40, deadline=None)
def test_onsets_keep_repeated_notes_through_the_round_trip(notes):
    tokens = encode_line(notes, 64, VOICE_RANGE)
    back = roll_to_tokens(tokens_to_roll(tokens, VOICE_RANGE), VOICE_RANGE, tokens_to_onsets(tokens))
    assert (back == tokens).all()
    assert decode_line(back, VOICE_RANGE) == decode_line(tokens, VOICE_RANGE)


def test_a_repeated_note_stays_two_notes():
    notes = [Note(60, 0, 4), Note(60, 4, 4), Note(62, 8, 8)]
    tokens = encode_line(notes, 16, VOICE_RANGE)
    roll, onsets = tokens_to_roll(tokens, VOICE_RANGE), tokens_to_onsets(tokens)
    assert decode_line(roll_to_tokens(roll, VOICE_RANGE, onsets), VOICE_RANGE) == notes
    assert len(decode_line(roll_to_tokens(roll, VOICE_RANGE), VOICE_RANGE)) == 2  # a roll alone merges them


@given(st.lists(lines(), min_size=1, max_size=6), st.integers(0, 2**31))
@settings(max_examples=30, deadline=None)
def test_random_transpose_keeps_range_and_intervals(batch, seed):
    tokens = np.stack([encode_line(n, 32) for n in batch])
    moved = random_transpose(tokens, MELODY_RANGE, np.random.default_rng(seed))
    assert moved.min() >= 0 and moved.max() < MELODY_RANGE.vocab_size
    for before, after in zip(tokens, moved):
        notes_a, notes_b = decode_line(before), decode_line(after)
        assert [n.start for n in notes_a] == [n.start for n in notes_b]
        assert len({b.pitch - a.pitch for a, b in zip(notes_a, notes_b)}) <= 1


@given(lines())
@settings(max_examples=25, deadline=None)
def test_midi_tokens_midi_equal_on_grid(notes):
    sketch = Score(notes, bars=2, tempo=96.0)
    back = load_score(to_midi(sketch), "x.mid")
    assert encode_line(back.notes, 32).tolist() == encode_line(notes, 32).tolist()
    pm = pretty_midi.PrettyMIDI(io.BytesIO(to_midi(Score(back.notes, 2, 96.0))))
    assert [n.pitch for n in pm.instruments[0].notes] == [n.pitch for n in notes]


def test_musicxml_round_trip_keeps_notes():
    notes = [Note(60, 0, 4), Note(62, 4, 2), Note(64, 8, 6), Note(67, 20, 12)]
    back = load_score(to_musicxml(Score(notes, 2, key="G")), "x.musicxml")
    assert back.notes == notes


def test_abc_pickup_lands_before_the_bar_line():
    abc = b"X:1\nT:t\nM:4/4\nL:1/8\nK:C\nG | c2 d2 e2 f2 | g8 |]\n"
    sketch = load_score(abc, "tune.abc")
    assert sketch.notes[0].pitch == 67 and sketch.notes[0].start == 14
    assert sketch.notes[1].start == 16
