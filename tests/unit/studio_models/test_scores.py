"""load_score turns bad files into one clear ScoreError."""
import io

import pretty_midi
import pytest

from studio.music.errors import ScoreError
from studio.music.io import load_score


def midi_bytes(instruments):
    pm = pretty_midi.PrettyMIDI()
    for inst in instruments:
        pm.instruments.append(inst)
    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


def instrument(pitches, is_drum=False):
    inst = pretty_midi.Instrument(program=0, is_drum=is_drum)
    for i, p in enumerate(pitches):
        inst.notes.append(pretty_midi.Note(velocity=80, pitch=p, start=i * 0.5, end=i * 0.5 + 0.5))
    return inst


@pytest.mark.parametrize("data, filename, message", [
    (b"", "empty.mid", "empty"),
    (b"MThd\x00\x00\x00\x06garbage", "broken.mid", "not a readable MIDI"),
    (b"hello", "notes.txt", "not a score file"),
    (b"<score-partwise><oops", "bad.musicxml", "not readable MusicXML"),
])
def test_unreadable_files(data, filename, message):
    with pytest.raises(ScoreError, match=message):
        load_score(data, filename)


def test_drums_only():
    with pytest.raises(ScoreError, match="only has drum tracks"):
        load_score(midi_bytes([instrument([36, 38, 42], is_drum=True)]), "drums.mid")


def test_no_notes():
    with pytest.raises(ScoreError, match="no notes"):
        load_score(midi_bytes([pretty_midi.Instrument(0)]), "silent.mid")


def test_no_notes_in_range():
    with pytest.raises(ScoreError, match="playable range"):
        load_score(midi_bytes([instrument([5, 10, 120])]), "extreme.mid")


def test_too_many_tracks():
    with pytest.raises(ScoreError, match="30 tracks"):
        load_score(midi_bytes([instrument([60]) for _ in range(30)]), "orchestra.mid")


def test_too_big(tmp_path):
    path = tmp_path / "huge.mid"
    with path.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    with pytest.raises(ScoreError, match="100 MB"):
        load_score(path, path.name)


def test_good_midi_becomes_a_melody():
    sketch = load_score(midi_bytes([instrument([60, 62, 64, 65, 67])]), "tune.mid")
    assert [n.pitch for n in sketch.notes] == [60, 62, 64, 65, 67]
    assert sketch.voices == ["melody"] and sketch.bars == 2 and sketch.key in ("C", "F", "Am")


def test_key_estimate_is_the_first_best_pearson_correlation_with_the_rotated_profiles():
    import numpy as np

    from studio.music.keys import MAJOR_PROFILE, MINOR_PROFILE, estimate_key

    def by_corrcoef(pitches, mode=None):
        hist = np.bincount(np.asarray(pitches) % 12, minlength=12).astype(float)
        candidates = [(np.corrcoef(hist, np.roll(profile, tonic))[0, 1], -i, (tonic, m))
                      for i, (m, profile, tonic) in enumerate((m, p, t) for m, p in
                                                               (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE))
                                                               for t in range(12)) if not mode or m == mode]
        return max(candidates)[2]

    rng = np.random.default_rng(0)
    for _ in range(50):
        pitches = rng.integers(48, 84, size=rng.integers(3, 30))
        for mode in (None, "major", "minor"):
            assert estimate_key(pitches, mode) == by_corrcoef(pitches, mode)
    assert estimate_key(range(60, 72)) == (0, "major") and estimate_key([], "minor") == (0, "minor")
