"""Chord progressions as typed, and the metre a Score carries."""
import pytest

from studio.music.chords import ChordError, format_progression, parse_progression, pitch_classes
from studio.music.score import Chord, Note, Score, steps_per_bar


@pytest.mark.parametrize("metre,steps", [("2/4", 8), ("3/4", 12), ("4/4", 16), ("2/2", 16), ("6/8", 12),
                                         ("9/8", 18), ("12/8", 24), ("3/2", 24)])
def test_a_bar_has_the_steps_of_its_metre(metre, steps):
    assert steps_per_bar(metre) == steps
    assert Score([], 2, metre=metre).total_steps == 2 * steps


def test_an_unsupported_metre_is_refused_by_name():
    with pytest.raises(ValueError, match="5/4"):
        Score([], 2, metre="5/4")


def test_one_chord_a_bar_repeats_to_fill_the_piece():
    chords = parse_progression("Am F C G", "4/4", 8)
    assert [c.symbol for c in chords] == ["Am", "F", "C", "G"] * 2
    assert [c.start for c in chords[:3]] == [0, 16, 32] and {c.duration for c in chords} == {16}


def test_bars_split_by_bars_lines_share_their_bar():
    chords = parse_progression("Am F | C G7", "6/8", 2)
    assert [(c.symbol, c.start, c.duration) for c in chords] == [("Am", 0, 6), ("F", 6, 6), ("C", 12, 6),
                                                                  ("G7", 18, 6)]
    assert format_progression(chords, "6/8") == "Am F | C G7"


def test_flats_and_sevenths_are_read():
    assert pitch_classes("Bbmaj7") == (10, frozenset({10, 2, 5, 9}))
    assert pitch_classes("Am") == (9, frozenset({9, 0, 4}))


@pytest.mark.parametrize("text,message", [("Hm", "Hm"), ("Am | | C", "no chord"), ("C F G Am C", "5 bars"),
                                          ("C F G | Am", "evenly")])
def test_a_bad_progression_says_what_is_wrong(text, message):
    with pytest.raises(ChordError, match=message):
        parse_progression(text, "4/4", 4)


def test_metre_chords_and_programs_survive_the_json_round_trip():
    score = Score([Note(60, 0, 12)], 2, metre="6/8", chords=[Chord("Am", 0, 12)], programs=[40])
    again = Score.from_dict(score.to_dict())
    assert (again.metre, again.chords, again.programs, again.steps_per_bar) == ("6/8", score.chords, [40], 12)
    assert Score.from_dict({"bars": 2, "notes": []}).metre == "4/4"
