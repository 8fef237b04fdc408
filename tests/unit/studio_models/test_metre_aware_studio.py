"""The VAE studio in every metre: services honour metre, bars and chords (or refuse them clearly), uploads
keep their metre and voices, generated tunes come back from MIDI and MusicXML in their own metre, and
estimated chords fit the melody they were read from."""
import pretty_midi
import pytest

from studio import services
from studio.music.chords import (beat_steps, chord_code, chord_codes, code_features, estimate_chords, parse_progression,
                                 pitch_classes)
from studio.music.errors import ScoreError
from studio.music.export import to_midi, to_musicxml
from studio.music.io import load_score
from studio.music.score import SUPPORTED_METRES, Chord, Note, Score, steps_per_bar
from studio.training.metrics import bar_repetition_rate, exact_window_rate, onset_accuracy

ABC_JIG = """X:1
T:Test jig
M:6/8
L:1/8
K:D
A|dfa afd|gfe fed|cde efg|fdB A2A|
dfa afd|gfe fed|cde efg|fdd d2|]
"""


@pytest.mark.parametrize("metre", ["6/8", "3/4"])
def test_vae_samples_whole_tunes_in_the_metre_over_the_chords(tiny_models, metre):
    chords = parse_progression("Am F C G", metre, 16)
    tunes = services.sample("vae", 2, 16, seed=3, metre=metre, chords=chords)
    assert all(t.metre == metre and t.bars == 16 and t.chords == chords for t in tunes)
    assert all(n.end <= 16 * steps_per_bar(metre) for t in tunes for n in t.notes)
    plain = services.sample("vae", 1, 8, key="G", seed=3, metre=metre)[0]
    assert plain.chords == [] and plain.bars == 8


@pytest.mark.parametrize("call,message", [
    (lambda: services.sample("vae", 1, 3), "bars must be one of 2, 4, 8, 16"),
    (lambda: services.sample("vae", 1, 4, metre="5/4"), "5/4 is not supported"),
    (lambda: services.sample("vae", 1, 4, chords=[Chord("Hm", 0, 16)]), "Hm"),
    (lambda: services.sample("vae", 1, 4, chords=["C"]), "Chord objects"),
    (lambda: services.interpolate(Score([Note(60, 0, 4)], 2), Score([Note(60, 0, 4)], 2, metre="6/8"), 3),
     "same metre"),
    (lambda: services.vary(Score([Note(60, 0, 4)], 2), 0.5, 1, voice=2), "voice must be between 0 and 0"),
])
def test_bad_requests_are_refused_with_a_clear_message(tiny_models, call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_vary_keeps_the_metre_length_and_picks_the_voice(tiny_models):
    low = [Note(48 + (i % 3), 6 * i, 6, voice=1) for i in range(10)]
    score = Score([Note(72, 3 * i, 3) for i in range(20)] + low, 5, metre="6/8", voices=["right", "left"])
    variations = services.vary(score, 0.3, 2, seed=1, voice=1)
    assert all(v.metre == "6/8" and v.bars == 5 and v.meta["voice"] == 1 for v in variations)
    assert all(n.end <= 5 * 12 for v in variations for n in v.notes)
    assert all(max(n.pitch for n in v.notes) < 66 for v in variations if v.notes)  # the left hand's octave


def test_suggested_chords_follow_the_melody():
    c_bar = [Note(p, s, 4) for p, s in ((60, 0), (64, 4), (67, 8), (72, 12))]
    g_bar = [Note(p, s + 16, 4) for p, s in ((67, 0), (71, 4), (74, 8), (67, 12))]
    chords = services.suggest_chords(Score(c_bar + g_bar, 2, key="C"))
    assert [(c.symbol, c.start, c.duration) for c in chords] == [("C", 0, 16), ("G", 16, 16)]
    split = estimate_chords([Note(60, 0, 4), Note(64, 4, 2), Note(67, 6, 6), Note(65, 12, 6), Note(72, 18, 6)],
                            "12/8", 1, (0, "major"))
    assert [c.symbol for c in split] == ["C", "F"]


def test_chord_features_encode_pitch_classes_root_and_no_chord():
    features = code_features(chord_codes([Chord("G7", 0, 2)], 3))
    assert features.shape == (3, 25)
    assert [i for i in range(12) if features[0, i]] == [2, 5, 7, 11] and features[0, 12 + 7] == 1
    assert features[2, :24].sum() == 0 and features[2, 24] == 1
    assert chord_code("Am") == 9 * 4096 + (1 << 9 | 1 << 0 | 1 << 4)


def test_reconstruction_metrics_count_onsets_not_holds():
    target = [[2, 1, 1, 1, 3, 1, 4, 1]]
    holds = [[2, 1, 1, 1, 1, 1, 1, 1]]
    assert onset_accuracy(holds, target) == pytest.approx(1 / 3)
    assert exact_window_rate(holds, target) == 0 and exact_window_rate(target, target) == 1
    assert bar_repetition_rate([[2, 1, 3, 1, 2, 1, 3, 1]], 2) == pytest.approx(2 / 3)


def test_an_abc_jig_is_read_in_six_eight_with_its_pickup():
    score = load_score(ABC_JIG.encode(), "jig.abc")
    assert score.metre == "6/8" and score.steps_per_bar == 12 and score.bars == 9
    assert score.notes[0].start == 10 and score.notes[1].start == 12  # the pickup ends on the bar line


def test_an_unsupported_or_changing_metre_is_refused_by_name():
    with pytest.raises(ScoreError, match=r"5/4.*" + "3/2"):
        load_score(ABC_JIG.replace("M:6/8", "M:5/4").encode(), "odd.abc")
    with pytest.raises(ScoreError, match="changes metre"):
        load_score(ABC_JIG.replace("fdB A2A|\n", "fdB A2A|\nM:3/4\n").encode(), "mixed.abc")


def _midi(tracks, metre=(3, 4)):
    pm = pretty_midi.PrettyMIDI(initial_tempo=120)
    pm.time_signature_changes.append(pretty_midi.TimeSignature(*metre, 0))
    for name, program, pitches in tracks:
        inst = pretty_midi.Instrument(program=program, name=name)
        inst.notes += [pretty_midi.Note(90, p, i * 0.5, i * 0.5 + 0.5) for i, p in enumerate(pitches)]
        pm.instruments.append(inst)
    import io

    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


def test_a_two_track_midi_keeps_both_voices_with_names_programs_and_metre():
    data = _midi([("Right hand", 0, [72, 74, 76, 77, 79, 81]), ("Left hand", 32, [48, 43, 48, 43, 48, 43])])
    score = load_score(data, "piano.mid")
    assert score.metre == "3/4" and score.bars == 2 and score.voices == ["Right hand", "Left hand"]
    assert score.programs == [0, 32]
    assert [n.pitch for n in score.voice_notes(1)] == [48, 43, 48, 43, 48, 43]
    with pytest.raises(ScoreError, match="7/8"):
        load_score(_midi([("x", 0, [60])], (7, 8)), "odd.mid")


@pytest.mark.parametrize("metre", SUPPORTED_METRES)
def test_generated_tunes_come_back_from_midi_and_musicxml_in_their_metre(tiny_models, metre):
    tune = services.sample("vae", 1, 4, seed=2, metre=metre)[0]
    spb = steps_per_bar(metre)
    for data, name in ((to_midi(tune), "t.mid"), (to_musicxml(tune), "t.musicxml")):
        again = load_score(data, name)
        assert again.metre == metre
        assert [(n.pitch, n.start) for n in again.voice_notes(0)] == [(n.pitch, n.start) for n in tune.notes]
        assert all(n.end <= 4 * spb for n in again.notes)


@pytest.mark.parametrize("metre", ["4/4", "6/8"])
def test_the_shipped_vae_puts_chord_tones_on_the_beats_far_above_chance(monkeypatch, metre):
    monkeypatch.delenv("MOTIF_MODEL_DIR", raising=False)
    monkeypatch.setattr(services, "_models", {})
    chords = parse_progression("C Am F G", metre, 8)
    beat = beat_steps(metre)

    def chord_tone_rate(tunes):
        hits = [n.pitch % 12 in pitch_classes(next(c.symbol for c in chords if c.start <= n.start < c.start + c.duration))[1]
                for t in tunes for n in t.notes if n.start % beat == 0]
        return sum(hits) / len(hits)

    with_chords = chord_tone_rate(services.sample("vae", 16, 8, seed=0, metre=metre, chords=chords))
    without = chord_tone_rate(services.sample("vae", 16, 8, key="C", seed=0, metre=metre))
    assert with_chords >= 0.55 and with_chords >= without + 0.15  # a triad is 3 of 12 pitch classes: chance 0.25
