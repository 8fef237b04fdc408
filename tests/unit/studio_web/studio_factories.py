"""Scores and score files the studio web tests build for themselves."""
import io

import mido

from studio.music.score import Note
from studio.music.score import Score

MELODY = [(60, 0, 4), (62, 4, 2), (64, 6, 2), (65, 8, 4), (67, 12, 4), (69, 16, 2), (67, 18, 6), (64, 24, 8)]


def melody_score(bars=2, tempo=120.0, shift=0):
    return Score(notes=[Note(p + shift, s, d) for p, s, d in MELODY if s + d <= bars * 16], bars=bars, tempo=tempo,
                 key="C", model="vae")


def chorale_score(melody):
    notes = list(melody.notes)
    for voice, interval in ((1, -4), (2, -9), (3, -17)):
        notes += [Note(n.pitch + interval, n.start, n.duration, voice=voice) for n in melody.notes]
    return Score(notes=notes, bars=melody.bars, tempo=melody.tempo, key=melody.key,
                 voices=["soprano", "alto", "tenor", "bass"], model="gan")


def midi_bytes(tracks=1, channel=0, notes=((60, 480), (64, 480), (67, 960))):
    mid = mido.MidiFile(ticks_per_beat=480)
    for _ in range(tracks):
        track = mido.MidiTrack()
        for pitch, length in notes:
            track.append(mido.Message("note_on", note=pitch, velocity=90, channel=channel, time=0))
            track.append(mido.Message("note_off", note=pitch, velocity=0, channel=channel, time=length))
        mid.tracks.append(track)
    out = io.BytesIO()
    mid.save(file=out)
    return out.getvalue()
