"""Metric functions against hand-computed values."""
import numpy as np
import pytest

from studio.music.encoding import VOICE_RANGE, encode_line, roll_to_tokens
from studio.music.score import Note
from studio.training.evaluate_gan import _within
from studio.training.metrics import (in_key_ratio, melody_features, mgeval_overlap, musegan_metrics, overlap_area,
                                     tonal_centroid, token_accuracy, voice_crossing_rate)

REST_CLASS = VOICE_RANGE.n_pitches


def test_token_accuracy():
    assert token_accuracy(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4])) == 0.75


def test_melody_features_by_hand():
    # C4 quarter, E4 eighth, G4 eighth, C5 half: intervals 4, 3, 5; onsets 0, 4, 6, 8.
    tokens = encode_line([Note(60, 0, 4), Note(64, 4, 2), Note(67, 6, 2), Note(72, 8, 8)], 32)
    f = melody_features(tokens)
    assert f["pitch_range"] == 12
    assert f["average_interval"] == pytest.approx(4.0)
    assert f["inter_onset_interval"] == pytest.approx(8 / 3)
    assert f["pitch_class_histogram"][0] == pytest.approx(0.5) and f["pitch_class_histogram"][4] == pytest.approx(0.25)
    # lengths 4, 2, 2, 8 -> bins 2 (x2), 4, 8
    assert f["note_length_histogram"].tolist() == [0, 0.5, 0, 0.25, 0, 0.25, 0, 0]


def test_overlap_area_of_same_and_disjoint_samples():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, 400)
    assert overlap_area(x, x) == pytest.approx(1.0, abs=1e-6)
    assert overlap_area(x, x + 50) < 0.01
    assert 0.3 < overlap_area(x, x + 1) < 0.8


def test_mgeval_overlap_prefers_similar_sets():
    def line(pitch):
        return encode_line([Note(pitch + (i % 3), 4 * i, 4) for i in range(8)], 32)

    ref = [line(60 + i) for i in range(20)]
    same = mgeval_overlap(ref, [line(61 + i) for i in range(20)])
    other = mgeval_overlap(ref, [encode_line([Note(50 + 20 * (i % 2), 0, 1), Note(80, 31, 1)], 32) for i in range(20)])
    assert same["mean"] > other["mean"]
    assert set(same) == {"pitch_class_histogram", "pitch_range", "average_interval", "inter_onset_interval",
                         "note_length_histogram", "mean"}


def _roll(voices):
    """(1, 4, 64) roll from four lists of (pitch or None) per quarter note."""
    out = np.full((1, 4, 64), REST_CLASS)
    for v, quarters in enumerate(voices):
        for q, p in enumerate(quarters):
            if p is not None:
                out[0, v, 4 * q:4 * q + 4] = p - VOICE_RANGE.low
    return out


def test_musegan_metrics_by_hand():
    # Four bars of four quarters; the bass is silent in the last bar; every voice holds one pitch
    # per bar except the soprano, which plays C D E F in bar 1.
    sop = [72, 74, 76, 77] + [72] * 12
    alto = [67] * 16
    ten = [64] * 16
    bass = [48] * 12 + [None] * 4
    m = musegan_metrics(roll_to_tokens(_roll([sop, alto, ten, bass]), VOICE_RANGE), VOICE_RANGE)
    assert m["empty_bars"] == pytest.approx(1 / 16)
    # Non-empty bars: soprano bar 1 has 4 pitch classes, the other 14 have 1 -> 18 / 15.
    assert m["used_pitch_classes"] == pytest.approx(18 / 15)
    assert m["qualified_notes"] == 1.0
    assert m["in_key_ratio"] == 1.0
    assert m["voice_crossing"] == 0.0


def test_voice_crossing_and_in_key():
    pitch = np.array([[[60, 60, -1], [64, 55, 50]]])  # upper voice below lower at step 0 only
    assert voice_crossing_rate(pitch) == pytest.approx(1 / 2)
    assert in_key_ratio([60, 62, 64, 65, 67, 69, 71, 61]) == pytest.approx(7 / 8)
    assert in_key_ratio([]) is None


def test_tonal_centroid():
    c_major = np.zeros(12)
    c_major[[0, 4, 7]] = 1
    assert np.linalg.norm(tonal_centroid(c_major) - tonal_centroid(c_major * 3)) == pytest.approx(0)
    fifth = np.zeros(12)
    fifth[[0, 7]] = 1
    tritone = np.zeros(12)
    tritone[[0, 6]] = 1
    # A fifth is tonally closer to C major than a tritone.
    assert np.linalg.norm(tonal_centroid(fifth) - tonal_centroid(c_major)) < \
        np.linalg.norm(tonal_centroid(tritone) - tonal_centroid(c_major))


def test_within_tolerance():
    assert _within(1.2, 1.0) and not _within(1.3, 1.0)
    assert _within(0.01, 0.0) and not _within(0.1, 0.0)
