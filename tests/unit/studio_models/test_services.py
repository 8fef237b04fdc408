"""services and the generate command with tiny checkpoints: output that pretty_midi and music21 read."""
import io
import json

import numpy as np
import pretty_midi
import pytest
from music21 import converter

from studio import services
from studio.music.encoding import VOICE_RANGE, encode_line
from studio.music.errors import ModelUnavailable
from studio.music.score import Chord, Note, Score
from studio.music.voice_leading import voice_leading_metrics


def test_sample_vae_and_gan(tiny_models):
    melodies = services.sample("vae", 3, 2, key="D", tempo=90, seed=1)
    assert len(melodies) == 3 and all(m.bars == 2 and m.voices == ["melody"] and m.model == "vae" for m in melodies)
    assert all(n.end <= 32 for m in melodies for n in m.notes)
    again = services.sample("vae", 3, 2, key="D", tempo=90, seed=1)
    assert [m.to_dict() for m in again] == [m.to_dict() for m in melodies]
    passages = services.sample("gan", 2, 4, key="Am", seed=2)
    assert passages[0].voices == ["soprano", "alto", "tenor", "bass"] and passages[0].key == "Am"
    dense = services.sample("vae", 2, 2, seed=1, attributes={"note_density": 1.5})
    assert len(dense) == 2
    with pytest.raises(ValueError):
        services.sample("vae", 1, 3)


def test_vary_interpolate_harmonize(tiny_models):
    a = Score([Note(60 + i, 4 * i, 4) for i in range(8)], 2)
    b = Score([Note(72 - i, 2 * i, 2) for i in range(16)], 2)
    assert len(services.vary(a, 0.5, 3, seed=1)) == 3
    path = services.interpolate(a, b, 4)
    assert len(path) == 4 and all(s.bars == 2 for s in path)
    harmonised = services.harmonize(Score([Note(72, 0, 8), Note(74, 8, 8), Note(76, 16, 48), Note(77, 64, 16)], 5),
                                    seed=3, count=2)
    assert len(harmonised) == 2
    for h in harmonised:
        assert [n for n in h.notes if n.voice == 0] == [Note(72, 0, 8), Note(74, 8, 8), Note(76, 16, 48),
                                                        Note(77, 64, 16)]
        assert h.bars == 5 and all(n.end <= 80 for n in h.notes)


@pytest.mark.parametrize("metre", ["3/4", "6/8"])
def test_harmonize_follows_the_melody_s_metre_and_chords(tiny_models, metre):
    melody = [Note(72, 0, 6), Note(72, 6, 6), Note(74, 12, 12), Note(76, 24, 36), Note(77, 60, 12)]
    chords = [Chord("C", 0, 24), Chord("G", 24, 48)]
    settings = services.harmonize(Score(melody, 6, metre=metre, chords=chords), seed=4, count=2)
    assert len(settings) == 2
    for h in settings:
        assert h.metre == metre and h.bars == 6 and h.chords == chords
        assert [n for n in h.notes if n.voice == 0] == melody  # the repeated C stays two notes
        assert all(n.end <= 72 for n in h.notes) and {n.voice for n in h.notes} == {0, 1, 2, 3}
        # The GAN's windows start on bar lines: 5 bars (60 steps), then the sixth bar alone.
        assert not any(n.start < 60 < n.end for n in h.notes if n.voice)


def test_a_harmonisation_has_no_parallels_and_keeps_the_lower_voices_in_key(tiny_models):
    melody = [Note(p, 4 * i, 4) for i, p in enumerate([72, 74, 76, 72, 77, 76, 74, 71, 72, 79, 77, 74, 72, 71, 74, 72])]
    settings = services.harmonize(Score(melody, 4), seed=5, count=2)
    again = services.harmonize(Score(melody, 4), seed=5, count=2)
    assert [h.to_dict() for h in settings] == [h.to_dict() for h in again]  # deterministic per seed
    for h in settings:
        voices = [sorted((n for n in h.notes if n.voice == v), key=lambda n: n.start) for v in range(4)]
        tokens = np.stack([encode_line(v, 64, VOICE_RANGE) for v in voices])
        assert voice_leading_metrics(tokens[None], VOICE_RANGE)["parallels_per_100_beats"] == 0
        assert {n.pitch % 12 for v in voices[1:] for n in v} <= {0, 2, 4, 5, 7, 9, 11}


def test_missing_checkpoint(monkeypatch, tmp_path):
    monkeypatch.setattr(services, "DEFAULT_MODEL_DIR", tmp_path)
    monkeypatch.delenv("MOTIF_MODEL_DIR", raising=False)
    monkeypatch.setattr(services, "_models", {})
    with pytest.raises(ModelUnavailable, match="not installed"):
        services.sample("gan", 1, 4)


@pytest.mark.parametrize("model", ["vae", "gan"])
def test_generate_command_files_read_back(tiny_models, tmp_path, model):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("generate", model=model, count=2, bars=4, key="G", tempo=100, temperature=0.8, seed=5,
                 out=str(tmp_path), json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert len(result["sketches"]) == 2 and result["seconds"] >= 0
    for row in result["sketches"]:
        assert row["bars"] == 4
        pm = pretty_midi.PrettyMIDI(row["midi"])
        assert sum(len(i.notes) for i in pm.instruments) == row["notes"]
        score = converter.parse(row["musicxml"])
        assert len(score.flatten().notes) > 0
