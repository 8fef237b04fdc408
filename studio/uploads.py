"""Scores a musician uploads (MIDI, MusicXML, .mxl, ABC): the cheap checks made in the request.

Only bounded work happens here: the size for the file's kind, its magic bytes, and a streaming count of
what a parse would build (:mod:`studio.music.scan`). The full parse runs later in the job, in a child
process with time and memory limits (:mod:`studio.music.sandbox`). Every refusal is a
:class:`~studio.music.errors.ScoreError` with a sentence from :data:`MESSAGES`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studio.music import scan
from studio.music.errors import ScoreError

KINDS = {".mid": "midi", ".midi": "midi", ".xml": "musicxml", ".musicxml": "musicxml", ".mxl": "mxl", ".abc": "abc"}
MAX_MB = {"midi": 2, "musicxml": 10, "mxl": 2, "abc": 1}
LIMITS = scan.Limits(max_xml_bytes=MAX_MB["musicxml"] * 1024 * 1024)

MESSAGES = {
    "empty": gettext_lazy("The file is empty."),
    "too_big": gettext_lazy("The file is larger than %(mb)d MB."),
    "extension": gettext_lazy("Upload a MIDI file (.mid, .midi), MusicXML (.musicxml, .xml, .mxl) or ABC (.abc)."),
    "not_midi": gettext_lazy("This is not a MIDI file, although its name says so."),
    "damaged_midi": gettext_lazy("This MIDI file is damaged and cannot be read."),
    "too_many_tracks": gettext_lazy("This MIDI file has %(n)d tracks; the studio reads at most %(max)d."),
    "too_many_events": gettext_lazy("This MIDI file has more than %(max)d events; the studio reads shorter pieces."),
    "drums_only": gettext_lazy("This file has only drums; the studio needs a melody with pitched notes."),
    "no_notes": gettext_lazy("The file has no notes."),
    "too_many_notes": gettext_lazy("The file has more than %(max)d notes; upload a shorter piece (the studio "
                                   "keeps the first 64 bars)."),
    "not_musicxml": gettext_lazy("This is not a MusicXML file, although its name says so."),
    "damaged_xml": gettext_lazy("This MusicXML file is damaged and cannot be read."),
    "entities": gettext_lazy("This MusicXML file declares its own entities, which the studio refuses for safety."),
    "too_deep": gettext_lazy("This MusicXML file nests its elements more than %(max)d deep, which no score needs."),
    "too_many_parts": gettext_lazy("This MusicXML file has more than %(max)d parts; the studio reads at most %(max)d."),
    "too_many_measures": gettext_lazy("This MusicXML file has more than %(max)d measures; upload a shorter piece "
                                      "(the studio keeps the first 64 bars)."),
    "not_mxl": gettext_lazy("This is not a compressed MusicXML (.mxl) file, although its name says so."),
    "damaged_mxl": gettext_lazy("This compressed MusicXML file is damaged and cannot be read."),
    "encrypted": gettext_lazy("This compressed MusicXML file is password-protected; upload it without a password."),
    "unpacks_too_much": gettext_lazy("This compressed MusicXML file unpacks to more than %(mb)d MB, far more "
                                     "than a score needs."),
    "not_abc": gettext_lazy("This is not an ABC file, although its name says so: it has no K: (key) line."),
    "abc_encoding": gettext_lazy("This ABC file is not UTF-8 text; save it as UTF-8 and upload it again."),
    "too_many_lines": gettext_lazy("This ABC file has more than %(max)d lines; upload a shorter one."),
    "too_many_tunes": gettext_lazy("This ABC file has more than %(max)d tunes; upload fewer at a time."),
}


@dataclass(frozen=True)
class CheckedScore:
    """An upload that passed the cheap checks: the bytes the job parses (an .mxl's score already
    inflated), the extension they are read as, and a title from the file name."""

    data: bytes
    extension: str
    title: str


def refusal(code: str, **params) -> ScoreError:
    """The ScoreError of a refusal code, with its sentence in the current language."""
    return ScoreError(str(MESSAGES[code]) % params if params else str(MESSAGES[code]))


def check_upload(upload) -> CheckedScore:
    """Check an uploaded file (anything with ``name``, ``size`` and ``read()``) in bounded time."""
    extension = Path(upload.name or "").suffix.lower()
    kind = KINDS.get(extension)
    if kind is None:
        raise refusal("extension")
    limit_mb = min(MAX_MB[kind], settings.MOTIF_MAX_UPLOAD_MB)
    if upload.size > limit_mb * 1024 * 1024:
        raise refusal("too_big", mb=limit_mb)
    data = upload.read(limit_mb * 1024 * 1024 + 1)
    if not data:
        raise refusal("empty")
    if len(data) > limit_mb * 1024 * 1024:
        raise refusal("too_big", mb=limit_mb)
    title = Path(upload.name).stem[:120] or _("Upload")
    try:
        data, extension = _scan(kind, data, extension)
    except scan.Refused as exc:
        raise refusal(exc.code, **exc.params) from None
    return CheckedScore(data=data, extension=extension, title=title)


def _scan(kind: str, data: bytes, extension: str) -> tuple[bytes, str]:
    if kind == "midi":
        scan.scan_midi(data, LIMITS)
    elif kind == "musicxml":
        scan.scan_musicxml_bytes(data, LIMITS)
    elif kind == "mxl":
        return scan.inflate_mxl(data, LIMITS), ".musicxml"
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise scan.Refused("abc_encoding") from None
        scan.scan_abc(text, LIMITS)
    return data, extension
