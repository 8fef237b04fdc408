"""Reading scores: MIDI (pretty_midi), MusicXML and ABC (music21) -> :class:`Score` (writing is in
:mod:`studio.music.export`).

:func:`load_score` checks uploads and raises :class:`~studio.music.errors.ScoreError` with a message
for a person: empty or oversized files, unknown formats, unreadable files, too many tracks, drums only,
no notes, or no notes in the playable range.
"""
from __future__ import annotations

import io
import math
import os
import tempfile
from pathlib import Path

import pretty_midi

from studio.music.errors import ScoreError
from studio.music.grid import STEPS_PER_QUARTER, clean_line, monophonic_voice, pickup_shift
from studio.music.keys import estimate_key, key_name
from studio.music.score import STEPS_PER_BAR, VOICE_NAMES_SATB, Note, Score

MAX_SCORE_BYTES = 20 * 1024 * 1024
MAX_TRACKS = 16
MAX_BARS = 64
PLAYABLE = (21, 108)
MIDI_EXT = {".mid", ".midi", ".kar"}
XML_EXT = {".xml", ".musicxml", ".mxl"}
ABC_EXT = {".abc"}


def load_score(source, filename: str, max_bytes: int = MAX_SCORE_BYTES) -> Score:
    """A Score from a MIDI, MusicXML or ABC file given as a path or bytes. Four parts become four
    voices (soprano, alto, tenor, bass); anything else becomes one melody (the top line). At most
    :data:`MAX_BARS` bars are kept."""
    data = _read_bytes(source, max_bytes)
    ext = Path(filename or "").suffix.lower()
    if not data:
        raise ScoreError("The file is empty.")
    if ext in MIDI_EXT:
        parts, tempo = _midi_parts(data)
    elif ext in XML_EXT | ABC_EXT:
        parts, tempo = _music21_parts(data, ext)
    else:
        raise ScoreError(f"“{filename}” is not a score file we can read: use MIDI (.mid), MusicXML (.musicxml, "
                         ".xml, .mxl) or ABC (.abc).")
    return _sketch_from_parts(parts, tempo)


def _read_bytes(source, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.exists():
            raise ScoreError("The file could not be found.")
        if path.stat().st_size > max_bytes:
            raise ScoreError(_too_big(path.stat().st_size, max_bytes))
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise ScoreError(_too_big(len(data), max_bytes))
    return data


def _too_big(size: int, limit: int) -> str:
    return f"The file is {size / 2**20:.0f} MB; scores up to {limit / 2**20:.0f} MB are accepted."


def _midi_parts(data: bytes) -> tuple[list[list[Note]], float]:
    try:
        pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any parser failure means the same thing to a musician
        raise ScoreError("This file is not a readable MIDI file (it may be damaged or not MIDI at all).") from None
    if len(pm.instruments) > MAX_TRACKS:
        raise ScoreError(f"The file has {len(pm.instruments)} tracks; up to {MAX_TRACKS} are accepted.")
    pitched = [inst for inst in pm.instruments if not inst.is_drum and inst.notes]
    if not pitched:
        if any(inst.is_drum and inst.notes for inst in pm.instruments):
            raise ScoreError("The file only has drum tracks; the studio needs pitched notes.")
        raise ScoreError("The file has no notes.")
    steps_per_tick = STEPS_PER_QUARTER / pm.resolution
    parts = []
    for v, inst in enumerate(pitched):
        notes = []
        for n in inst.notes:
            start = int(round(pm.time_to_tick(n.start) * steps_per_tick))
            end = int(round(pm.time_to_tick(n.end) * steps_per_tick))
            notes.append(Note(n.pitch, start, max(1, end - start), int(n.velocity) or 90, v))
        parts.append(notes)
    _, tempi = pm.get_tempo_changes()
    return parts, float(tempi[0]) if len(tempi) else 120.0


def _music21_parts(data: bytes, ext: str) -> tuple[list[list[Note]], float]:
    from music21 import converter, tempo

    try:
        if ext in ABC_EXT:
            score = converter.parseData(data.decode("utf-8", errors="replace"), format="abc")
        else:
            with tempfile.NamedTemporaryFile(suffix=ext, delete=False) as fh:
                fh.write(data)
            try:
                score = converter.parse(fh.name, format="musicxml", forceSource=True)  # no pickle cache
            finally:
                os.unlink(fh.name)
    except Exception:  # noqa: BLE001
        kind = "ABC" if ext in ABC_EXT else "MusicXML"
        raise ScoreError(f"This file is not readable {kind} (it may be damaged or in another format).") from None
    parts = list(getattr(score, "parts", [])) or [score]
    if len(parts) > MAX_TRACKS:
        raise ScoreError(f"The file has {len(parts)} parts; up to {MAX_TRACKS} are accepted.")
    # Any metre is read on the 16th grid as it is; the sketch re-cuts it into 4/4 bars.
    shift = pickup_shift(parts[0])
    voices = [monophonic_voice(p, v, shift) for v, p in enumerate(parts)]
    voices = [v for v in voices if v]
    if not voices:
        raise ScoreError("The file has no notes.")
    marks = list(score.recurse().getElementsByClass(tempo.MetronomeMark))
    bpm = float(marks[0].getQuarterBPM() or 120.0) if marks else 120.0
    return voices, bpm


def _skyline(parts: list[list[Note]]) -> list[Note]:
    """The top line of several parts."""
    merged = [Note(n.pitch, n.start, n.duration, n.velocity, 0) for p in parts for n in p]
    return clean_line(merged)


def _sketch_from_parts(parts: list[list[Note]], tempo: float) -> Score:
    limit = MAX_BARS * STEPS_PER_BAR
    parts = [[n for n in p if PLAYABLE[0] <= n.pitch <= PLAYABLE[1] and n.start < limit] for p in parts]
    parts = [p for p in parts if p]
    if not parts:
        raise ScoreError("None of the notes is in the playable range (A0 to C8).")
    if len(parts) == 4:
        voices = [clean_line([Note(n.pitch, n.start, n.duration, n.velocity, v) for n in p]) for v, p in enumerate(parts)]
        notes, names = [n for p in voices for n in p], list(VOICE_NAMES_SATB)
    else:
        notes, names = _skyline(parts), ["melody"]
    for n in notes:
        n.duration = max(1, min(n.duration, limit - n.start))
    bars = max(1, math.ceil(max(n.end for n in notes) / STEPS_PER_BAR))
    tonic, mode = estimate_key([n.pitch for n in notes])
    return Score(notes=notes, bars=bars, tempo=round(max(20.0, min(300.0, tempo)), 2),
                  key=key_name(tonic, mode), voices=names)
