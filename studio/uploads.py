"""Scores a musician uploads (MIDI, MusicXML, .mxl, ABC): the cheap checks made in the request.

The site's upload policy (:mod:`motif.uploads`, kind ``"score"``) checks the extension, the size and the
magic bytes and decodes ABC text; this module adds the score-structural checks, each bounded: a streaming
count of what a parse would build (:mod:`studio.music.scan`). The full parse runs later in the job, in a
child process with time and memory limits (:mod:`studio.music.sandbox`). The policy refuses with
:class:`motif.uploads.UploadRejected`; the structural checks with a
:class:`~studio.music.errors.ScoreError` whose sentence comes from :data:`MESSAGES`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motif import uploads as policy
from studio.music import scan
from studio.music.errors import ScoreError

LIMITS = scan.Limits()

MESSAGES = {
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
    """Check an uploaded file (anything with ``name``, ``size``, ``seek()`` and ``read()``) in bounded time.
    Raises UploadRejected (extension, size, magic bytes, text encoding) or ScoreError (the score's structure)."""
    data = policy.read_upload("score", upload)
    extension = policy.extension(upload.name)
    title = Path(upload.name).stem[:120] or _("Upload")
    limits = replace(LIMITS, max_xml_bytes=policy.KINDS["score"].max_bytes)
    try:
        data, extension = _scan(data, extension, limits)
    except scan.Refused as exc:
        raise refusal(exc.code, **exc.params) from None
    return CheckedScore(data=data, extension=extension, title=title)


def _scan(data: bytes, extension: str, limits: scan.Limits) -> tuple[bytes, str]:
    if extension in (".mid", ".midi"):
        scan.scan_midi(data, limits)
    elif extension == ".mxl":
        return scan.inflate_mxl(data, limits), ".musicxml"
    elif extension == ".abc":
        text = policy.decode_text(data)
        scan.scan_abc(text, limits)
        return text.encode("utf-8"), extension
    else:
        scan.scan_musicxml_bytes(data, limits)
    return data, extension
