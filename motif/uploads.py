"""The one upload policy: what each kind of upload may be, checked before anything reads it whole.

Every app calls the same three steps in the request, cheapest first:

* :func:`check_upload` -- the name's extension, the declared size and the first bytes (magic);
* :func:`read_upload` -- the bytes, reading at most the kind's limit plus one;
* :func:`decode_text` / :func:`read_text` / :func:`clean_text` -- UTF-8 (with or without a BOM) or
  BOM-marked UTF-16, nothing guessed; lone surrogates, NUL bytes and binary data refused; the kind's
  size and line limits applied to the text.

Refusals are :class:`UploadRejected`: a sentence for the musician (from :data:`MESSAGES`, the one
table of messages), an HTTP status (400, 413 or 415) and a short code; :func:`api_error` turns one
into the DRF exception an API view raises. Deeper, format-specific checks (a MIDI header's track
count, a zip's members) belong to the app that parses the format; it plugs its own sniffer into
:data:`KINDS` through :func:`register_sniffer`.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import APIException, ValidationError

HEAD_BYTES = 4096

MESSAGES = {
    "empty": gettext_lazy("The file is empty."),
    "empty_text": gettext_lazy("The text is empty."),
    "too_large": gettext_lazy("The file is %(size)s; the limit is %(limit)s."),
    "text_too_large": gettext_lazy("The text is %(size)s; the limit is %(limit)s."),
    "too_many_lines": gettext_lazy("The text has %(lines)s lines; the limit is %(limit)s. Send one song at a time."),
    "extension": gettext_lazy("This type of file is not accepted here. Upload %(accepted)s."),
    "mismatch": gettext_lazy("This file's name ends in %(ext)s, but its content is not %(what)s."),
    "binary": gettext_lazy("This looks like a binary file, not text. Upload a plain text file."),
    "not_utf8": gettext_lazy(
        "This text is not in an encoding we read. Save it as UTF-8 (or UTF-16 with a byte-order mark) "
        "and upload it again."),
    "odd_utf16": gettext_lazy(
        "This UTF-16 text ends in the middle of a character (an odd number of bytes): the file is cut short. "
        "Save it again as UTF-8 and upload it."),
    "surrogates": gettext_lazy(
        "This text contains broken characters (unpaired UTF-16 surrogates). Save it as UTF-8 and try again."),
    # Videos: what the probe (perception/video/analysis/probe.py) finds when it opens the container.
    "not_video": gettext_lazy("This file is not a video we can read. Upload an MP4, MOV, MKV or WebM file."),
    "no_video": gettext_lazy("This file has no video track (is it an audio file?)."),
    "damaged": gettext_lazy("The file looks damaged: it has no picture size, duration or frame rate."),
    "too_small_frames": gettext_lazy(
        "The frames are %(size)s pixels; the smallest size we analyse is %(min)s pixels a side. "
        "Export a larger version and upload that."),
    "too_large_frames": gettext_lazy(
        "The frames are %(size)s; the largest size we analyse is 4K (4096x2160). "
        "Export a smaller version and upload that."),
    "too_fast": gettext_lazy("The video has %(fps)s frames per second; the most we analyse is %(limit)s."),
    "too_long": gettext_lazy("The video lasts %(duration)s; the limit is %(limit)s."),
    "no_frames": gettext_lazy("The video has no frames we can decode (zero-length or damaged)."),
    "truncated": gettext_lazy("The file ends early: it looks truncated. Upload the complete file."),
}

STATUS = {"too_large": 413, "text_too_large": 413, "too_many_lines": 413, "extension": 415, "mismatch": 415}


class UploadRejected(ValueError):
    """An upload the site refuses. ``str()`` is a translated sentence; ``status`` is 400, 413 or 415."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params
        self.status = STATUS.get(code, 400)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % {k: str(v) for k, v in self.params.items()}

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- sniffers
Sniffer = Callable[[bytes], bool]


def _is_midi(head: bytes) -> bool:
    return head.startswith(b"MThd")


def _is_xml(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<")


def _is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _is_iso_media(head: bytes) -> bool:
    """MP4, M4V, MOV: a box whose type is ``ftyp`` (or, in old QuickTime files, a bare movie box)."""
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def _is_ebml(head: bytes) -> bool:
    """Matroska and WebM."""
    return head.startswith(b"\x1a\x45\xdf\xa3")


def _is_avi(head: bytes) -> bool:
    return head.startswith(b"RIFF") and head[8:12] == b"AVI "


@dataclass
class UploadKind:
    """One kind of upload: accepted extensions (each with what it should be and a sniffer of its first
    bytes; ``None`` for text, which :func:`decode_text` judges), a size limit read from settings at call
    time and, for text, a limit on non-blank lines."""

    accepted: object  # lazy sentence naming the accepted files, e.g. "a .txt or .lrc file"
    limit_setting: str
    limit_unit: int
    default_limit: int
    sniffers: dict[str, tuple[object, Sniffer | None]] = field(default_factory=dict)
    max_lines: int | None = None

    @property
    def max_bytes(self) -> int:
        return int(float(getattr(settings, self.limit_setting, self.default_limit)) * self.limit_unit)


KB, MB = 1024, 1024 * 1024

KINDS: dict[str, UploadKind] = {
    "score": UploadKind(
        accepted=gettext_lazy("a MIDI file (.mid, .midi), MusicXML (.musicxml, .xml, .mxl) or ABC (.abc)"),
        limit_setting="MOTIF_MAX_SCORE_UPLOAD_MB", limit_unit=MB, default_limit=20,
        sniffers={
            ".mid": (gettext_lazy("a MIDI file"), _is_midi),
            ".midi": (gettext_lazy("a MIDI file"), _is_midi),
            ".xml": (gettext_lazy("MusicXML"), _is_xml),
            ".musicxml": (gettext_lazy("MusicXML"), _is_xml),
            ".mxl": (gettext_lazy("compressed MusicXML"), _is_zip),
            ".abc": (gettext_lazy("ABC notation"), None),
        },
    ),
    "lyrics": UploadKind(
        accepted=gettext_lazy("a .txt or .lrc file"),
        limit_setting="MOTIF_MAX_LYRICS_UPLOAD_KB", limit_unit=KB, default_limit=100,
        sniffers={
            ".txt": (gettext_lazy("plain text"), None),
            ".lrc": (gettext_lazy("plain text"), None),
        },
        max_lines=5000,
    ),
    "video": UploadKind(
        accepted=gettext_lazy("a video file (.mp4, .mov, .mkv, .webm or .avi)"),
        limit_setting="MOTIF_MAX_UPLOAD_MB", limit_unit=MB, default_limit=200,
        sniffers={
            ".mp4": (gettext_lazy("an MP4 video"), _is_iso_media),
            ".m4v": (gettext_lazy("an MP4 video"), _is_iso_media),
            ".mov": (gettext_lazy("a QuickTime video"), _is_iso_media),
            ".mkv": (gettext_lazy("a Matroska video"), _is_ebml),
            ".webm": (gettext_lazy("a WebM video"), _is_ebml),
            ".avi": (gettext_lazy("an AVI video"), _is_avi),
        },
    ),
}


def register_sniffer(kind: str, ext: str, what, sniffer: Sniffer | None) -> None:
    """Accept ``ext`` for ``kind`` when ``sniffer(first bytes)`` is true; ``what`` names the format
    in the refusal ("a MIDI file"). Replaces an existing sniffer for that extension."""
    KINDS[kind].sniffers[ext.lower()] = (what, sniffer)


def extension(filename: str | None) -> str:
    """``.mid`` for ``Song.MID``; ``""`` when the name has no extension."""
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    return name[name.rfind("."):] if "." in name else ""


def human_size(size: int) -> str:
    """``812 bytes``, ``12.5 KB``, ``3.2 MB``."""
    if size < KB:
        return f"{size} bytes"
    if size < MB:
        return f"{size / KB:.1f} KB".replace(".0 KB", " KB")
    return f"{size / MB:.1f} MB".replace(".0 MB", " MB")


def _too_large(kind: UploadKind, size: int, code: str = "too_large") -> UploadRejected:
    return UploadRejected(code, size=human_size(size), limit=human_size(kind.max_bytes))


# --------------------------------------------------------------------------- files
def check_upload(kind: str, upload) -> str:
    """Check an uploaded file's name, declared size and first bytes without reading it whole.
    Returns its extension; raises :class:`UploadRejected`. The file is left at its start."""
    spec = KINDS[kind]
    ext = extension(getattr(upload, "name", ""))
    if ext not in spec.sniffers:
        raise UploadRejected("extension", accepted=spec.accepted)
    size = getattr(upload, "size", None)
    if size is not None and size > spec.max_bytes:
        raise _too_large(spec, size)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not head:
        raise UploadRejected("empty")
    what, sniffer = spec.sniffers[ext]
    if sniffer is not None and not sniffer(head):
        raise UploadRejected("mismatch", ext=ext, what=what)
    return ext


def read_upload(kind: str, upload) -> bytes:
    """The checked file's bytes, reading at most the kind's limit plus one byte."""
    check_upload(kind, upload)
    limit = KINDS[kind].max_bytes
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(KINDS[kind], len(data))
    return data


class UploadTooLarge(RequestDataTooBig):
    """A multipart body over :func:`largest_request_bytes`, refused before any of it is read."""

    def __init__(self, limit: int):
        super().__init__(f"The request body is larger than {limit} bytes.")
        self.limit = limit


def largest_request_bytes() -> int:
    """The largest multipart body worth reading: the largest upload of any kind plus the form fields."""
    return max(spec.max_bytes for spec in KINDS.values()) + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class BoundedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: refuses (:class:`UploadTooLarge`) a multipart body whose declared
    length is over :func:`largest_request_bytes` before anything is streamed to disk; otherwise passes
    every chunk on to the next handler."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = largest_request_bytes()
        if content_length > limit:
            raise UploadTooLarge(limit)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


# --------------------------------------------------------------------------- text
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_CONTROL_RATIO = 0.05


def decode_text(data: bytes) -> str:
    """Text from UTF-8 (BOM optional) or UTF-16 with a BOM; any other bytes are refused, not guessed.
    The result has passed :func:`check_text` (no BOM, ``\\n`` line ends)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise UploadRejected("not_utf8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        body = data[2:]
        if len(body) % 2:
            raise UploadRejected("odd_utf16")
        codec = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            raise UploadRejected("surrogates") from None
    else:
        if b"\x00" in data:
            raise UploadRejected("binary")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UploadRejected("binary" if _mostly_control(data.decode("latin-1")) else "not_utf8") from None
    return check_text(text)


def check_text(text: str) -> str:
    """Refuse lone surrogates, NUL and binary-looking text; drop a leading BOM and use ``\\n`` line ends."""
    if _SURROGATE.search(text):
        raise UploadRejected("surrogates")
    if "\x00" in text or _mostly_control(text):
        raise UploadRejected("binary")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_text(kind: str, upload) -> str:
    """A text file of ``kind``: checked, read within the limit, decoded, then held to the text limits."""
    return _within_text_limits(KINDS[kind], decode_text(read_upload(kind, upload)))


def clean_text(kind: str, text: str) -> str:
    """Pasted text of ``kind``: within the size limit (as UTF-8), passing :func:`check_text`, not blank
    and within the line limit."""
    spec = KINDS[kind]
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > spec.max_bytes:
        raise _too_large(spec, size, "text_too_large")
    return _within_text_limits(spec, check_text(text))


def _within_text_limits(spec: UploadKind, text: str) -> str:
    if not text.strip():
        raise UploadRejected("empty_text")
    if spec.max_lines is not None:
        lines = sum(1 for line in text.split("\n") if line.strip())
        if lines > spec.max_lines:
            raise UploadRejected("too_many_lines", lines=lines, limit=spec.max_lines)
    return text


def _mostly_control(text: str) -> bool:
    return bool(text) and len(_CONTROL.findall(text)) > MAX_CONTROL_RATIO * len(text)


# --------------------------------------------------------------------------- API
class UploadRefused(APIException):
    """A refused upload as a DRF error with the policy's status (413 or 415) and ``{"detail": sentence}``,
    the shape the API schema documents for those statuses."""

    def __init__(self, exc: UploadRejected):
        self.status_code = exc.status
        super().__init__(exc.message, exc.code)


def api_error(exc: UploadRejected, field: str) -> APIException:
    """What an API view raises for ``exc``: a ValidationError for 400, else :class:`UploadRefused`."""
    if exc.status == 400:
        return ValidationError({field: [exc.message]}, exc.code)
    return UploadRefused(exc)
