"""Exported files read back equal to the saved sketch: MIDI (pretty_midi), MusicXML (music21), WAV length."""
import io
import wave

import music21
import pretty_midi
import pytest
from tests.unit.studio_web.studio_factories import chorale_score, melody_score

from studio import render
from studio.files import file_bytes
from tests.conftest import require

pytestmark = pytest.mark.django_db


def _notes(score, voice=None):
    return sorted((n.pitch, n.start, n.duration) for n in score.notes if voice is None or n.voice == voice)


@pytest.mark.parametrize("score", [melody_score(bars=2, tempo=100), chorale_score(melody_score(bars=2))],
                         ids=["melody", "chorale"])
def test_midi_export_reads_back_as_the_saved_notes(make_sketch, user, score):
    sketch = make_sketch(user, score=score)
    midi = pretty_midi.PrettyMIDI(io.BytesIO(file_bytes(sketch, "midi")))
    step = 60.0 / score.tempo / 4
    read = sorted((n.pitch, round(n.start / step), round((n.end - n.start) / step))
                  for inst in midi.instruments for n in inst.notes)
    assert read == _notes(score)
    assert midi.get_tempo_changes()[1][0] == pytest.approx(score.tempo)


def test_musicxml_export_reads_back_as_the_saved_notes(make_sketch, user):
    score = melody_score(bars=2)
    sketch = make_sketch(user, score=score)
    parsed = music21.converter.parseData(file_bytes(sketch, "musicxml").decode("utf-8"), format="musicxml")
    read = sorted((int(n.pitch.midi), round(float(n.getOffsetInHierarchy(parsed)) * 4),
                   round(float(n.quarterLength) * 4)) for n in parsed.recurse().notes)
    assert _merge_ties(read) == _notes(score)


def _merge_ties(notes):
    """Notes split across a barline come back as tied pieces; join consecutive pieces of one pitch."""
    merged = []
    for pitch, start, duration in notes:
        if merged and merged[-1][0] == pitch and merged[-1][1] + merged[-1][2] == start and start % 16 == 0:
            merged[-1] = (pitch, merged[-1][1], merged[-1][2] + duration)
        else:
            merged.append((pitch, start, duration))
    return merged


def test_wav_export_has_the_sketch_length_plus_the_release_tail(make_sketch, user):
    require(render.unavailable_reason() is None, f"WAV export unavailable: {render.unavailable_reason()}")
    score = melody_score(bars=2, tempo=120)
    sketch = make_sketch(user, score=score)
    with wave.open(io.BytesIO(file_bytes(sketch, "wav"))) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, 44100)
        frames = wav.readframes(wav.getnframes())
    assert seconds == pytest.approx(2 * 16 * 60 / 120 / 4 + render.TAIL_SECONDS, abs=0.01)
    assert max(frames) > 0  # not silence


def test_wav_button_explains_how_to_enable_fluidsynth(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_fluidsynth(name, *args, **kwargs):
        if name == "fluidsynth":
            raise ImportError("libfluidsynth missing")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fluidsynth)
    assert "apt-get install libfluidsynth3" in render.unavailable_reason()
    with pytest.raises(render.RenderUnavailable):
        render.render_wav(melody_score())
