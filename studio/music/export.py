"""Writing scores: :class:`Score` -> MIDI (pretty_midi) and MusicXML (music21).

Both carry the score's metre, key, tempo, a named part per voice with its General MIDI instrument, and
the chord symbols: in MusicXML as ``<harmony>`` above the melody, in MIDI as text events (meta event
``FF 01``, the symbol as its text) at each chord's start.
"""
from __future__ import annotations

import io
import re

import pretty_midi

from studio.music.chords import music21_figure
from studio.music.grid import STEPS_PER_QUARTER
from studio.music.instruments import programs_of
from studio.music.keys import parse_key
from studio.music.score import Score

SATB_CLEFS = {"soprano": "treble", "alto": "treble", "tenor": "treble8vb", "bass": "bass"}
ABBREVIATIONS = {"melody": "Mel.", "soprano": "S.", "alto": "A.", "tenor": "T.", "bass": "B."}
BASS_CLEF_BELOW = 55
SHARP_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
FLAT_NAMES = ["C", "D-", "D", "E-", "E", "F", "G-", "G", "A-", "A", "B-", "B"]  # a melody whose average pitch is under G3 is written in the bass clef


def part_name(voice: str) -> str:
    """``"soprano"`` -> ``"Soprano"``: the name of a voice's part or track."""
    return voice.capitalize()


def to_midi(score: Score) -> bytes:
    """A standard MIDI file: one named track per voice with its General MIDI program, the metre's time
    signature, the key signature, the tempo, and the chord symbols as text events."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=float(score.tempo))
    step = 60.0 / float(score.tempo) / STEPS_PER_QUARTER
    beats, unit = (int(x) for x in score.metre.split("/"))
    pm.time_signature_changes.append(pretty_midi.TimeSignature(beats, unit, 0.0))
    tonic, mode = parse_key(score.key)
    pm.key_signature_changes.append(pretty_midi.KeySignature(tonic + (12 if mode == "minor" else 0), 0.0))
    for v, (name, program) in enumerate(zip(score.voices, programs_of(score), strict=True)):
        track = pretty_midi.Instrument(program=program, name=part_name(name))
        for n in score.voice_notes(v):
            track.notes.append(pretty_midi.Note(velocity=n.velocity, pitch=n.pitch, start=n.start * step,
                                                end=n.end * step))
        pm.instruments.append(track)
    pm.text_events.extend(pretty_midi.Text(chord.symbol, chord.start * step) for chord in score.chords)
    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


def _music21_key(name: str):
    """The music21 Key of a key name as the musician spelled it ("Db" stays D-flat, not C-sharp)."""
    from music21 import key

    _tonic, mode = parse_key(name)  # a ValueError for a name that is not a key
    letter, accidental = re.match(r"\s*([A-Ga-g])([#b]?)", name).groups()
    return key.Key(letter.upper() + accidental.replace("b", "-"), mode)


def _spelling(k) -> tuple[dict[int, str], bool]:
    """Pitch-class -> note name in the music21 key ``k`` (the minor's raised seventh included), and
    whether the other chromatic notes are spelled with flats."""
    names = {p.pitchClass: p.name for p in k.getScale().getPitches()}
    if k.mode == "minor":
        leading = k.getLeadingTone()
        names[leading.pitchClass] = leading.name
    return names, k.sharps < 0


def _pitch(midi: int, names: dict[int, str], flats: bool):
    """A music21 Pitch for MIDI number ``midi`` spelled as the key writes it (other notes with flats in
    flat keys, sharps otherwise)."""
    from music21 import pitch

    name = names.get(midi % 12) or (FLAT_NAMES if flats else SHARP_NAMES)[midi % 12]
    spelled = pitch.Pitch(name)
    spelled.octave = midi // 12 - 1
    spelled.octave += (midi - spelled.midi) // 12
    return spelled


def _clef(voice: str, pitches: list[int]):
    from music21 import clef

    kind = SATB_CLEFS.get(voice)
    if kind is None:
        kind = "bass" if pitches and sum(pitches) / len(pitches) < BASS_CLEF_BELOW else "treble"
    return {"treble": clef.TrebleClef, "treble8vb": clef.Treble8vbClef, "bass": clef.BassClef}[kind]()


def to_music21(score: Score, *, title: str = "", composer: str = ""):
    """A music21 Score: ``title`` and ``composer`` in its metadata (the score's ``meta["title"]`` and no
    composer when not given), one named part per voice with a fixed clef, its instrument, the metre's
    time signature, the key signature with notes spelled in the key, a metronome mark, and the chord
    symbols above the first part."""
    from music21 import harmony, instrument, key as m21key, meter, metadata, note, stream, tempo

    out = stream.Score()
    out.metadata = metadata.Metadata()
    out.metadata.movementName = title or score.meta.get("title", "Motif sketch")
    out.metadata.composer = composer
    written_key = _music21_key(score.key)
    names, flats = _spelling(written_key)
    end = score.total_steps / STEPS_PER_QUARTER
    for v, (name, program) in enumerate(zip(score.voices, programs_of(score), strict=True)):
        notes = score.voice_notes(v)
        part = stream.Part()
        part.partName = part_name(name)
        sound = instrument.instrumentFromMidiProgram(program)
        sound.partName, sound.partAbbreviation = part_name(name), ABBREVIATIONS.get(name, part_name(name)[:3])
        part.insert(0, sound)
        part.insert(0, _clef(name, [n.pitch for n in notes]))
        part.insert(0, meter.TimeSignature(score.metre))
        part.insert(0, m21key.Key(written_key.tonic.name, written_key.mode))
        if v == 0:
            part.insert(0, tempo.MetronomeMark(number=float(score.tempo)))
            for chord in score.chords:
                part.insert(chord.start / STEPS_PER_QUARTER, harmony.ChordSymbol(music21_figure(chord.symbol)))
        for n in notes:
            written = note.Note(_pitch(n.pitch, names, flats), quarterLength=n.duration / STEPS_PER_QUARTER)
            written.volume.velocity = n.velocity
            part.insert(n.start / STEPS_PER_QUARTER, written)
        if part.highestTime < end:
            part.insert(part.highestTime, note.Rest(quarterLength=end - part.highestTime))
        part.makeRests(fillGaps=True, inPlace=True, timeRangeFromBarDuration=True)
        out.insert(0, part)
    return out.makeNotation()


def to_musicxml(score: Score, *, title: str = "", composer: str = "") -> bytes:
    """MusicXML bytes of :func:`to_music21`."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    return GeneralObjectExporter(to_music21(score, title=title, composer=composer)).parse()
