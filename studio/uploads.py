"""Reading a score a musician uploads (MIDI or MusicXML), refusing bad files with a clear reason.

Checks that need no parsing come first (size, extension against content, XML entity tricks, zip bombs,
track count, drums only); then :func:`studio.services.load_score` reads the notes.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile

import mido
from django.conf import settings
from django.utils.translation import gettext as _

from studio import services
from studio.music.errors import ScoreError
from studio.music.sketch import Sketch as Score

logger = logging.getLogger(__name__)

MIDI_EXTENSIONS = {".mid", ".midi"}
XML_EXTENSIONS = {".xml", ".musicxml"}
MXL_EXTENSIONS = {".mxl"}
ALLOWED = MIDI_EXTENSIONS | XML_EXTENSIONS | MXL_EXTENSIONS
MAX_TRACKS = 16
MAX_UNZIPPED_RATIO = 100
DRUM_CHANNEL = 9
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def extension(filename: str) -> str:
    name = filename.lower()
    return name[name.rfind("."):] if "." in name else ""


def read_upload(data: bytes, filename: str) -> Score:
    """The score in ``data``; raises :class:`ScoreError` with a message for a person."""
    limit = settings.MOTIF_MAX_UPLOAD_MB
    if len(data) > limit * 1024 * 1024:
        raise ScoreError(_("The file is larger than %(mb)d MB.") % {"mb": limit})
    if not data:
        raise ScoreError(_("The file is empty."))
    ext = extension(filename)
    if ext not in ALLOWED:
        raise ScoreError(_("Upload a MIDI file (.mid, .midi) or MusicXML (.musicxml, .xml, .mxl)."))
    if ext in MIDI_EXTENSIONS:
        _check_midi(data)
    elif ext in MXL_EXTENSIONS:
        _check_mxl(data, limit * 1024 * 1024)
    else:
        _check_xml(data)
    try:
        score = services.load_score(data, filename, max_bytes=limit * 1024 * 1024)
    except ScoreError:
        raise
    except Exception:  # a third-party parser failing on a broken file: the person gets a sentence
        logger.info("load_score failed on %s", filename, exc_info=True)
        raise ScoreError(_("This file could not be read as a score; it may be damaged.")) from None
    if not score.notes:
        raise ScoreError(_("The file has no notes."))
    return score


def _check_midi(data: bytes) -> None:
    if not data.startswith(b"MThd"):
        raise ScoreError(_("This is not a MIDI file, although its name says so."))
    try:
        midi = mido.MidiFile(file=io.BytesIO(data))
    except Exception:  # mido raises several types on truncated or corrupt data
        raise ScoreError(_("This MIDI file is damaged and cannot be read.")) from None
    if len(midi.tracks) > MAX_TRACKS:
        raise ScoreError(_("This MIDI file has %(n)d tracks; the studio reads at most %(max)d.")
                         % {"n": len(midi.tracks), "max": MAX_TRACKS})
    channels = [m.channel for track in midi.tracks for m in track if m.type == "note_on" and m.velocity > 0]
    if not channels:
        raise ScoreError(_("The file has no notes."))
    if all(c == DRUM_CHANNEL for c in channels):
        raise ScoreError(_("This file has only drums; the studio needs a melody with pitched notes."))


def _check_xml(data: bytes) -> None:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<") or (b"score-partwise" not in data[:4096] and b"score-timewise" not in data[:4096]):
        raise ScoreError(_("This is not a MusicXML file, although its name says so."))
    if _ENTITY.search(data):
        raise ScoreError(_("This MusicXML file declares its own entities, which the studio refuses for safety."))


def _check_mxl(data: bytes, limit: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise ScoreError(_("This is not a compressed MusicXML (.mxl) file, although its name says so.")) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > limit or unpacked > MAX_UNZIPPED_RATIO * max(len(data), 1):
        raise ScoreError(_("This compressed MusicXML file unpacks to far more data than a score needs."))
    for member in members:
        if member.filename.lower().endswith((".xml", ".musicxml")) and _ENTITY.search(archive.read(member)):
            raise ScoreError(_("This MusicXML file declares its own entities, which the studio refuses for safety."))
