"""Voice-leading marks on hand-made four-part passages, the harmoniser's bar-aligned windows, its
key-aware decoding mask and its voice-leading repair."""
import numpy as np
import pytest

from studio.music.encoding import VOICE_RANGE, encode_line
from studio.music.harmony_windows import bar_aligned_chunks, chord_steps
from studio.music.key_mask import allowed_pitch_classes, class_mask, scale_pitch_classes
from studio.music.score import Chord, Note
from studio.music.voice_leading import MAJOR_SCALE, best_of, harmony_cost, pitches_and_onsets, voice_leading_metrics
from studio.music.voice_leading_repair import repair


def passage(*voices, length=4):
    """(4, steps) tokens from four lists of pitches, one note of ``length`` steps each."""
    steps = length * max(len(v) for v in voices)
    return np.stack([encode_line([Note(p, i * length, length) for i, p in enumerate(v)], steps, VOICE_RANGE)
                     for v in voices])


# I - V - I in C, textbook voice-leading: no parallels, all in range, close spacing.
CLEAN = passage([72, 71, 72], [67, 67, 67], [64, 62, 64], [48, 43, 48])
# Soprano and bass a twelfth apart (C/F), both move up a step to D/G: one parallel fifth.
FIFTHS = passage([72, 74, 76], [67, 67, 67], [64, 64, 64], [53, 55, 57])


def test_a_clean_progression_has_no_parallels_or_faults():
    m = voice_leading_metrics(CLEAN[None], VOICE_RANGE)
    assert m["parallels_per_100_beats"] == 0
    assert m["out_of_range"] == 0 and m["spacing"] == 0 and m["voice_crossing"] == 0
    assert m["repeated_notes"] == pytest.approx(2 / 9)  # the alto's G is struck three times


def test_a_parallel_fifth_is_counted_per_100_beats():
    m = voice_leading_metrics(FIFTHS[None], VOICE_RANGE)
    # 72/53 -> 74/55 -> 76/57: F-C, G-D, A-E, two consecutive fifths between soprano and bass.
    assert m["parallel_fifths_per_100_beats"] == pytest.approx(2 * 100 / 3)
    assert m["parallel_octaves_per_100_beats"] == 0


def test_octaves_contrary_motion_and_held_voices():
    octaves = passage([72, 74], [67, 67], [64, 65], [60, 62])
    assert voice_leading_metrics(octaves[None], VOICE_RANGE)["parallel_octaves_per_100_beats"] == pytest.approx(50)
    contrary = passage([72, 79], [67, 67], [64, 64], [53, 48])  # fifth to (compound) fifth, opposite ways
    held = passage([72, 72], [67, 67], [64, 64], [53, 53])  # fifth to fifth with neither voice moving
    for sample in (contrary, held):
        assert voice_leading_metrics(sample[None], VOICE_RANGE)["parallels_per_100_beats"] == 0


def test_range_spacing_and_crossing():
    wide = passage([84], [60], [62], [36])  # soprano above G5, bass below E2, S-A two octaves, A below T
    m = voice_leading_metrics(wide[None], VOICE_RANGE)
    assert m["out_of_range_by_voice"] == {"soprano": 1.0, "alto": 0.0, "tenor": 0.0, "bass": 1.0}
    assert m["spacing"] == pytest.approx(0.5) and m["voice_crossing"] == pytest.approx(1 / 3)


def test_harmony_cost_prefers_the_clean_setting_and_the_given_chords():
    assert harmony_cost(CLEAN, VOICE_RANGE) < harmony_cost(FIFTHS, VOICE_RANGE)
    c_major = [frozenset({0, 4, 7})] * CLEAN.shape[1]
    a_minor = [frozenset({9, 0, 4})] * CLEAN.shape[1]
    assert harmony_cost(CLEAN, VOICE_RANGE, c_major) < harmony_cost(CLEAN, VOICE_RANGE, a_minor)
    chosen = best_of(np.stack([FIFTHS[:, :12], CLEAN, CLEAN, FIFTHS[:, :12]]), 2, VOICE_RANGE)
    assert (chosen == CLEAN).all()


@pytest.mark.parametrize("metre, expected", [
    ("4/4", [(0, 64), (64, 64), (128, 32)]),
    ("3/4", [(0, 60), (60, 60)]),
    ("6/8", [(0, 60), (60, 60)]),
    ("12/8", [(0, 48), (48, 48), (96, 24)]),
])
def test_windows_start_on_bar_lines(metre, expected):
    bars = {"4/4": 10, "3/4": 10, "6/8": 10, "12/8": 5}[metre]
    assert bar_aligned_chunks(metre, bars, 64) == expected


def test_chord_steps_follow_the_symbols():
    steps = chord_steps([Chord("C", 0, 12), Chord("G7", 12, 12), Chord("?", 24, 12)], 6, 24)
    assert steps[0] == frozenset({0, 4, 7}) and steps[6] == frozenset({7, 11, 2, 5}) and steps[-1] == frozenset()


def test_key_mask_keeps_the_lower_voices_in_the_melody_s_key():
    # C major with one F# (bar 2's first note): F# is allowed only while the melody sounds it.
    melody = encode_line([Note(p, 4 * i, 4) for i, p in enumerate([72, 74, 76, 77, 78, 79, 76, 72])], 32, VOICE_RANGE)
    allowed = allowed_pitch_classes(melody, VOICE_RANGE, [frozenset()] * 28 + [frozenset({2, 6, 9})] * 4)
    c_major = scale_pitch_classes(0, "major")
    assert (allowed[:16] == c_major).all() and (allowed[20:28] == c_major).all()
    assert allowed[16:20, 6].all() and allowed[28:, 6].all()  # the melody's F#, then the D chord's
    assert (scale_pitch_classes(9, "minor") == c_major).all()
    flags = class_mask(allowed, VOICE_RANGE)
    assert flags.shape == (32, VOICE_RANGE.n_pitches + 1) and flags[:, -1].all()
    assert not flags[0, 66 - VOICE_RANGE.low] and flags[16, 66 - VOICE_RANGE.low]


def test_repair_removes_parallels_and_crossings_moving_only_lower_voices():
    crossed = passage([72, 71, 72], [67, 67, 67], [69, 69, 64], [48, 43, 48])  # the tenor's A over the alto's G
    for draft in (FIFTHS, crossed, passage([72, 74], [67, 67], [64, 65], [60, 62])):
        mended = repair(draft, VOICE_RANGE, np.tile(scale_pitch_classes(0, "major"), (draft.shape[1], 1)))
        m = voice_leading_metrics(mended[None], VOICE_RANGE)
        assert m["parallels_per_100_beats"] == 0 and m["voice_crossing"] == 0
        assert (mended[0] == draft[0]).all() and ((mended >= 2) == (draft >= 2)).all()  # melody and onsets kept
        pitch, onset = pitches_and_onsets(mended, VOICE_RANGE)
        assert np.isin(pitch[onset] % 12, MAJOR_SCALE).all()
    assert (repair(CLEAN, VOICE_RANGE) == CLEAN).all()


def test_a_short_window_takes_its_key_from_the_bars_around_it():
    fragment = encode_line([Note(62, 0, 4), Note(64, 4, 4), Note(62, 8, 8)], 16, VOICE_RANGE)  # D E D: D major
    g_major = encode_line([Note(p, 4 * i, 4) for i, p in enumerate([67, 71, 74, 66, 67, 69, 71, 72])], 32, VOICE_RANGE)
    alone, around = allowed_pitch_classes(fragment, VOICE_RANGE), allowed_pitch_classes(fragment, VOICE_RANGE,
                                                                                        context=g_major)
    assert (alone[0] == scale_pitch_classes(2, "major")).all() and (around[0] == scale_pitch_classes(7, "major")).all()
