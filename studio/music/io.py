"""Reading scores: MIDI (pretty_midi), MusicXML and ABC (music21) -> :class:`Score` (writing is in
:mod:`studio.music.export`).

:func:`load_score` checks uploads and raises :class:`~studio.music.errors.ScoreError` with a message
for a person: empty or oversized files, unknown formats, unreadable files, too many tracks, drums only,
no notes, no notes in the playable range, or a metre the studio does not support (or a change of metre).
The metre is read from the file (MIDI without a time signature: 4/4) and every part or track stays a
voice of its own.
"""
from __future__ import annotations

import io
import math
import os
import tempfile
from pathlib import Path

import pretty_midi

from studio.music.errors import ScoreError
from studio.music.grid import (STEPS_PER_QUARTER, bar_quarters, clean_line, metres_of, monophonic_voice,
                               pickup_shift, single_metre)
from studio.music.keys import estimate_key, key_name
from studio.music.score import SUPPORTED_METRES, VOICE_NAMES_SATB, Note, Score, steps_per_bar

MAX_SCORE_BYTES = 20 * 1024 * 1024
MAX_TRACKS = 16
MAX_BARS = 64
PLAYABLE = (21, 108)
MIDI_EXT = {".mid", ".midi", ".kar"}
XML_EXT = {".xml", ".musicxml", ".mxl"}
ABC_EXT = {".abc"}
HEADER_METRES = {"C": "4/4", "C|": "2/2"}


def load_score(source, filename: str, max_bytes: int = MAX_SCORE_BYTES) -> Score:
    """A Score from a MIDI, MusicXML or ABC file given as a path or bytes, in the file's metre. Each
    part (MusicXML, ABC) or pitched track (MIDI) becomes one voice, its top line where it plays
    chords: four parts are named soprano, alto, tenor and bass, others keep their part or track
    names (``voice 2`` when unnamed). At most :data:`MAX_BARS` bars are kept."""
    data = _read_bytes(source, max_bytes)
    ext = Path(filename or "").suffix.lower()
    if not data:
        raise ScoreError("The file is empty.")
    if ext in MIDI_EXT:
        parts, tempo, metre = _midi_parts(data)
    elif ext in XML_EXT | ABC_EXT:
        parts, tempo, metre = _music21_parts(data, ext)
    else:
        raise ScoreError(f"“{filename}” is not a score file we can read: use MIDI (.mid), MusicXML (.musicxml, "
                         ".xml, .mxl) or ABC (.abc).")
    return _score_from_parts(parts, tempo, metre)


def read_metre(found: set[str]) -> str:
    """The one supported metre of a file's time signatures (4/4 when it has none); ScoreError for a
    metre the studio does not support or a change of metre."""
    found = {HEADER_METRES.get(m, m) for m in found}
    if len(found) > 1:
        raise ScoreError(f"The score changes metre ({', '.join(sorted(found))}); the studio needs one metre "
                         f"throughout, one of {', '.join(SUPPORTED_METRES)}.")
    metre = single_metre(found) if found else "4/4"
    if metre is None:
        raise ScoreError(f"The score is in {next(iter(found))}, which the studio does not support; use one of "
                         f"{', '.join(SUPPORTED_METRES)}.")
    return metre


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


def _midi_parts(data: bytes) -> tuple[list[tuple[str, int | None, list[Note]]], float, str]:
    try:
        pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    except MemoryError:
        raise  # the parse's memory limit, not the file's fault: the sandbox reports it as such
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
    metre = read_metre({f"{ts.numerator}/{ts.denominator}" for ts in pm.time_signature_changes})
    parts = []
    for v, inst in enumerate(pitched):
        notes = []
        for n in inst.notes:
            start = int(round(pm.time_to_tick(n.start) * steps_per_tick))
            end = int(round(pm.time_to_tick(n.end) * steps_per_tick))
            notes.append(Note(n.pitch, start, max(1, end - start), int(n.velocity) or 90, v))
        parts.append((inst.name.strip(), int(inst.program), notes))
    _, tempi = pm.get_tempo_changes()
    return parts, float(tempi[0]) if len(tempi) else 120.0, metre


def _music21_parts(data: bytes, ext: str) -> tuple[list[tuple[str, int | None, list[Note]]], float, str]:
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
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001
        kind = "ABC" if ext in ABC_EXT else "MusicXML"
        raise ScoreError(f"This file is not readable {kind} (it may be damaged or in another format).") from None
    parts = list(getattr(score, "parts", [])) or [score]
    if len(parts) > MAX_TRACKS:
        raise ScoreError(f"The file has {len(parts)} parts; up to {MAX_TRACKS} are accepted.")
    found = metres_of(score)
    if ext in ABC_EXT:  # music21 drops a change of metre inside an ABC tune
        from studio.music.corpus import abc_metres

        found |= abc_metres(data.decode("utf-8", errors="replace"))
    metre = read_metre(found)
    shift = pickup_shift(parts[0], bar_quarters(metre))
    voices = [((p.partName or "").strip(), None, monophonic_voice(p, v, shift)) for v, p in enumerate(parts)]
    voices = [v for v in voices if v[2]]
    if not voices:
        raise ScoreError("The file has no notes.")
    marks = list(score.recurse().getElementsByClass(tempo.MetronomeMark))
    bpm = float(marks[0].getQuarterBPM() or 120.0) if marks else 120.0
    return voices, bpm, metre


def _score_from_parts(parts: list[tuple[str, int | None, list[Note]]], tempo: float, metre: str) -> Score:
    """One voice per part (its top line), numbered in order, cut at :data:`MAX_BARS` bars."""
    limit = MAX_BARS * steps_per_bar(metre)
    parts = [(name, program, [n for n in notes if PLAYABLE[0] <= n.pitch <= PLAYABLE[1] and n.start < limit])
             for name, program, notes in parts]
    parts = [p for p in parts if p[2]]
    if not parts:
        raise ScoreError("None of the notes is in the playable range (A0 to C8).")
    notes: list[Note] = []
    for v, (_name, _program, part) in enumerate(parts):
        notes += clean_line([Note(n.pitch, n.start, n.duration, n.velocity, v) for n in part])
    for n in notes:
        n.duration = max(1, min(n.duration, limit - n.start))
    if len(parts) == 4:
        names = list(VOICE_NAMES_SATB)
    elif len(parts) == 1:
        names = ["melody"]
    else:
        names = [name or f"voice {v + 1}" for v, (name, _program, _notes) in enumerate(parts)]
    programs = [p for _name, p, _notes in parts] if all(p is not None for _n, p, _x in parts) else []
    bars = max(1, math.ceil(max(n.end for n in notes) / steps_per_bar(metre)))
    tonic, mode = estimate_key([n.pitch for n in notes])
    return Score(notes=notes, bars=bars, tempo=round(max(20.0, min(300.0, tempo)), 2),
                 key=key_name(tonic, mode), voices=names, metre=metre, programs=programs)
