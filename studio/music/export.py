"""Writing scores: :class:`Score` -> MIDI (pretty_midi) and MusicXML (music21)."""
from __future__ import annotations

import io

import pretty_midi

from studio.music.grid import STEPS_PER_QUARTER
from studio.music.keys import PITCH_NAMES
from studio.music.score import STEPS_PER_BAR, Score


def to_midi(sketch: Score) -> bytes:
    """A standard MIDI file: one piano track per voice, at the sketch's tempo."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=float(sketch.tempo))
    step = 60.0 / float(sketch.tempo) / STEPS_PER_QUARTER
    for v, name in enumerate(sketch.voices):
        inst = pretty_midi.Instrument(program=0, name=name)
        for n in sketch.voice_notes(v):
            inst.notes.append(pretty_midi.Note(velocity=n.velocity, pitch=n.pitch, start=n.start * step, end=n.end * step))
        pm.instruments.append(inst)
    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


def to_music21(sketch: Score):
    """A music21 Score in 4/4 with one part per voice, the key signature and a metronome mark."""
    from music21 import key as m21key, meter, metadata, note, stream, tempo

    from studio.music.keys import parse_key

    score = stream.Score()
    score.metadata = metadata.Metadata(title=sketch.meta.get("title", "Motif sketch"))
    tonic, mode = parse_key(sketch.key)
    for v, name in enumerate(sketch.voices):
        part = stream.Part()
        part.partName = name.capitalize()
        part.insert(0, meter.TimeSignature("4/4"))
        part.insert(0, m21key.Key(PITCH_NAMES[tonic].replace("b", "-"), mode))
        if v == 0:
            part.insert(0, tempo.MetronomeMark(number=float(sketch.tempo)))
        for n in sketch.voice_notes(v):
            m = note.Note(n.pitch, quarterLength=n.duration / STEPS_PER_QUARTER)
            m.volume.velocity = n.velocity
            part.insert(n.start / STEPS_PER_QUARTER, m)
        end = sketch.bars * STEPS_PER_BAR / STEPS_PER_QUARTER
        if part.highestTime < end:
            part.insert(part.highestTime, note.Rest(quarterLength=end - part.highestTime))
        part.makeRests(fillGaps=True, inPlace=True, timeRangeFromBarDuration=True)
        score.insert(0, part)
    return score.makeNotation()


def to_musicxml(sketch: Score) -> bytes:
    """MusicXML bytes of :func:`to_music21`."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    return GeneralObjectExporter(to_music21(sketch)).parse()
