"""Clean exports: MusicXML with the sketch's title and owner, named SATB parts with fixed clefs, the
metre, notes spelled in the key and chord symbols; MIDI with programs, track names and chord text."""
import io

import music21
import pretty_midi
import pytest
from tests.unit.studio_web.studio_factories import chorale_score, melody_score

from studio.files import file_bytes
from studio.music.chords import parse_progression
from studio.music.export import to_midi, to_musicxml
from studio.music.score import Note, Score

SCALE_UP = [60, 62, 64, 65, 67, 69, 71, 72]


def _parse(data: bytes):
    return music21.converter.parseData(data.decode("utf-8"), format="musicxml")


def _jig(key="C", programs=()):
    notes = [Note(p, i * 2, 2) for i, p in enumerate(SCALE_UP * 3)]
    return Score(notes, bars=4, key=key, metre="6/8", chords=parse_progression("Am F | C G7", "6/8", 4),
                 programs=list(programs))


@pytest.mark.django_db
def test_musicxml_credits_the_sketch_title_and_the_owners_display_name(make_sketch, user):
    user.profile.display_name = "Ada Lovelace"
    user.profile.save()
    parsed = _parse(file_bytes(make_sketch(user, title="Morning jig", score=melody_score()), "musicxml"))
    assert parsed.metadata.bestTitle == "Morning jig"
    assert parsed.metadata.composer == "Ada Lovelace"


def test_satb_parts_are_named_with_clefs_that_stay_put():
    score = chorale_score(melody_score(bars=2))
    score.bars = 8  # long enough for more than one system
    parsed = _parse(to_musicxml(score))
    assert [p.partName for p in parsed.parts] == ["Soprano", "Alto", "Tenor", "Bass"]
    clefs = [[type(c).__name__ for c in p.recurse().getElementsByClass(music21.clef.Clef)] for p in parsed.parts]
    assert clefs == [["TrebleClef"], ["TrebleClef"], ["Treble8vbClef"], ["BassClef"]]


def test_metre_chords_and_key_spelling_survive_a_round_trip():
    data = to_musicxml(_jig())
    parsed = _parse(data)
    signatures = {ts.ratioString for ts in parsed.recurse().getElementsByClass(music21.meter.TimeSignature)}
    assert signatures == {"6/8"}
    assert len(parsed.parts[0].getElementsByClass(music21.stream.Measure)) == 4
    figures = [(c.figure, float(c.getOffsetInHierarchy(parsed))) for c in
               parsed.recurse().getElementsByClass(music21.harmony.ChordSymbol)]
    assert [f for f, _ in figures[:3]] == ["Am", "F", "C"] and [o for _, o in figures[:3]] == [0.0, 1.5, 3.0]
    assert b"<accidental" not in data  # a C-major melody shows no natural signs


def test_flat_keys_spell_flats_and_the_minor_raises_its_seventh():
    data = to_musicxml(Score([Note(p, i * 2, 2) for i, p in enumerate([63, 65, 67, 68, 70])], 1, key="Eb"))
    assert [n.pitch.name for n in _parse(data).recurse().notes] == ["E-", "F", "G", "A-", "B-"]
    assert b"<accidental" not in data
    db = _parse(to_musicxml(Score([Note(61, 0, 4)], 1, key="Db")))
    assert [k.sharps for k in db.recurse().getElementsByClass(music21.key.KeySignature)][:1] == [-5]
    dm = _parse(to_musicxml(Score([Note(p, i * 4, 4) for i, p in enumerate([62, 61, 70, 62])], 1, key="Dm")))
    assert [n.pitch.name for n in dm.recurse().notes] == ["D", "C#", "B-", "D"]


def test_midi_has_named_tracks_programs_metre_and_chord_text():
    score = chorale_score(melody_score(bars=2))
    score.programs = [40, 41, 42]  # the bass keeps its default
    midi = pretty_midi.PrettyMIDI(io.BytesIO(to_midi(score)))
    assert [(i.name, i.program) for i in midi.instruments] == [("Soprano", 40), ("Alto", 41), ("Tenor", 42),
                                                               ("Bass", 52)]
    jig = pretty_midi.PrettyMIDI(io.BytesIO(to_midi(_jig(programs=[73]))))
    assert [(ts.numerator, ts.denominator) for ts in jig.time_signature_changes] == [(6, 8)]
    assert jig.instruments[0].program == 73
    step = 60.0 / 120.0 / 4
    assert [(t.text, round(t.time / step)) for t in jig.text_events][:4] == [("Am", 0), ("F", 6), ("C", 12),
                                                                             ("G7", 18)]


@pytest.mark.parametrize("metre", ["2/4", "3/4", "4/4", "2/2", "6/8", "9/8", "12/8", "3/2"])
def test_every_metre_round_trips_through_musicxml_and_midi(metre):
    bar = Score([], 1, metre=metre).steps_per_bar
    notes = [Note(60 + i % 8, start, 2) for i, start in enumerate(range(0, 2 * bar, 2))]
    score = Score(notes, bars=2, metre=metre)
    parsed = _parse(to_musicxml(score))
    measures = parsed.parts[0].getElementsByClass(music21.stream.Measure)
    assert [m.timeSignature.ratioString for m in measures if m.timeSignature] == [metre]
    assert [round(float(m.duration.quarterLength) * 4) for m in measures] == [bar, bar]
    read = [(int(n.pitch.midi), round(float(n.getOffsetInHierarchy(parsed)) * 4)) for n in parsed.recurse().notes]
    assert read == [(n.pitch, n.start) for n in notes]
    midi = pretty_midi.PrettyMIDI(io.BytesIO(to_midi(score)))
    assert [f"{ts.numerator}/{ts.denominator}" for ts in midi.time_signature_changes] == [metre]
