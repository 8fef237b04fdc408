"""Cheap, bounded checks of score files before anything parses them (plain Python, no Django).

Each scanner reads the bytes once, counts what a full parse would have to build (tracks, note events,
parts, measures, nesting depth, lines) and stops at the first cap it passes, so a hostile file costs
at most a fraction of a second. A refusal is a :class:`Refused` with a code and parameters; the web
layer turns the code into a sentence.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from xml.parsers import expat

XML_ROOTS = frozenset({"score-partwise", "score-timewise"})
DRUM_CHANNEL = 9
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What a score the studio reads may contain (it keeps 64 bars of at most 16 voices)."""

    max_tracks: int = 16
    max_notes: int = 20_000
    max_midi_events: int = 200_000
    max_measures: int = 2_000
    max_depth: int = 32
    max_xml_bytes: int = 10 * 1024 * 1024
    max_zip_members: int = 64
    max_lines: int = 5_000
    max_tunes: int = 100


class Refused(Exception):
    """A file the studio will not read; ``code`` names the reason, ``params`` fill its sentence."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# MIDI -----------------------------------------------------------------------------------------

def scan_midi(data: bytes, limits: Limits = Limits()) -> None:
    """Walk a Standard MIDI File's chunks and events, counting note-ons; refuse damaged or oversized files."""
    if not data.startswith(b"MThd"):
        raise Refused("not_midi")
    if len(data) < 14:
        raise Refused("damaged_midi")
    header_length = int.from_bytes(data[4:8], "big")
    tracks = int.from_bytes(data[10:12], "big")
    if header_length < 6 or 8 + header_length > len(data):
        raise Refused("damaged_midi")
    if tracks > limits.max_tracks:
        raise Refused("too_many_tracks", n=tracks, max=limits.max_tracks)
    counts = {"notes": 0, "pitched": 0, "events": 0}
    pos, seen = 8 + header_length, 0
    while seen < tracks:
        if pos + 8 > len(data):
            raise Refused("damaged_midi")
        kind, length = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "big")
        pos += 8
        if pos + length > len(data):
            raise Refused("damaged_midi")
        if kind == b"MTrk":
            _scan_track(data, pos, pos + length, counts, limits)
            seen += 1
        pos += length
    if not counts["notes"]:
        raise Refused("no_notes")
    if not counts["pitched"]:
        raise Refused("drums_only")


def _scan_track(data: bytes, pos: int, end: int, counts: dict, limits: Limits) -> None:
    status = None
    while pos < end:
        _, pos = _vlq(data, pos, end)  # delta time
        if pos >= end:
            raise Refused("damaged_midi")
        if data[pos] & 0x80:
            byte = data[pos]
            pos += 1
        elif status is None:
            raise Refused("damaged_midi")
        else:
            byte = status  # running status
        if byte == 0xFF:
            pos += 1
            length, pos = _vlq(data, pos, end)
            pos += length
        elif byte in (0xF0, 0xF7):
            length, pos = _vlq(data, pos, end)
            pos += length
        elif byte >= 0xF0:
            raise Refused("damaged_midi")
        else:
            status = byte
            size = 1 if byte & 0xF0 in (0xC0, 0xD0) else 2
            if pos + size > end:
                raise Refused("damaged_midi")
            if byte & 0xF0 == 0x90 and data[pos + 1] > 0:
                counts["notes"] += 1
                counts["pitched"] += (byte & 0x0F) != DRUM_CHANNEL
                if counts["notes"] > limits.max_notes:
                    raise Refused("too_many_notes", max=limits.max_notes)
            pos += size
        if pos > end:
            raise Refused("damaged_midi")
        counts["events"] += 1
        if counts["events"] > limits.max_midi_events:
            raise Refused("too_many_events", max=limits.max_midi_events)


def _vlq(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """A MIDI variable-length quantity (at most four bytes) and the position after it."""
    value = 0
    for _ in range(4):
        if pos >= end:
            raise Refused("damaged_midi")
        byte = data[pos]
        pos += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, pos
    raise Refused("damaged_midi")


# MusicXML -------------------------------------------------------------------------------------

def _refuse_entities(*_args):
    raise Refused("entities")


class MusicXmlScanner:
    """Feed MusicXML bytes in chunks; counts notes, parts, measures and depth with expat, refusing
    entity declarations, internal DTD subsets and undeclared entities before anything is expanded."""

    def __init__(self, limits: Limits = Limits()):
        self.limits = limits
        self.depth = self.notes = self.parts = self.measures = 0
        self.root: str | None = None
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = parser.ExternalEntityRefHandler = parser.SkippedEntityHandler = _refuse_entities
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        self._parser = parser

    def feed(self, chunk: bytes) -> None:
        self._parse(chunk, False)

    def close(self) -> None:
        """Finish; refuses a document that is not a score or has no notes."""
        self._parse(b"", True)
        if self.root is None:
            raise Refused("not_musicxml")
        if not self.notes:
            raise Refused("no_notes")

    def _parse(self, chunk: bytes, final: bool) -> None:
        try:
            self._parser.Parse(chunk, final)
        except (expat.ExpatError, LookupError, ValueError):  # LookupError: an encoding Python does not know
            if self.root is None:
                raise Refused("not_musicxml") from None
            raise Refused("damaged_xml") from None

    def _doctype(self, name, system_id, public_id, has_internal_subset):
        if has_internal_subset:
            raise Refused("entities")

    def _start(self, name, attributes):
        self.depth += 1
        if self.root is None:
            if name not in XML_ROOTS:
                raise Refused("not_musicxml")
            self.root = name
        if self.depth > self.limits.max_depth:
            raise Refused("too_deep", max=self.limits.max_depth)
        if name == "note":
            self.notes += 1
            if self.notes > self.limits.max_notes:
                raise Refused("too_many_notes", max=self.limits.max_notes)
        elif name == "score-part":
            self.parts += 1
            if self.parts > self.limits.max_tracks:
                raise Refused("too_many_parts", max=self.limits.max_tracks)
        elif name == "measure":
            self.measures += 1
            if self.measures > self.limits.max_measures:
                raise Refused("too_many_measures", max=self.limits.max_measures)

    def _end(self, name):
        self.depth -= 1


def scan_musicxml(chunks: Iterable[bytes], limits: Limits = Limits()) -> None:
    """Scan uncompressed MusicXML given as byte chunks."""
    scanner = MusicXmlScanner(limits)
    for chunk in chunks:
        scanner.feed(chunk)
    scanner.close()


def _byte_chunks(data: bytes) -> Iterable[bytes]:
    return (data[i:i + CHUNK] for i in range(0, len(data), CHUNK))


def scan_musicxml_bytes(data: bytes, limits: Limits = Limits()) -> None:
    """:func:`scan_musicxml` of one bytes object, fed in chunks so that a refusal stops early."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Refused("not_musicxml")
    scan_musicxml(_byte_chunks(data), limits)


# Compressed MusicXML (.mxl) -------------------------------------------------------------------

def inflate_mxl(data: bytes, limits: Limits = Limits()) -> bytes:
    """The root MusicXML document of an .mxl archive, scanned while it is inflated; the bytes really
    inflated are counted (a member's declared size is never trusted)."""
    if not data.startswith(b"PK\x03\x04"):
        raise Refused("not_mxl")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if len(members) > limits.max_zip_members:
            raise Refused("damaged_mxl")
        if any(m.flag_bits & 0x1 for m in members):
            raise Refused("encrypted")
        root = archive.getinfo(_root_path(archive, members, limits))
        scanner, out = MusicXmlScanner(limits), bytearray()
        for chunk in _inflated(archive, root, limits.max_xml_bytes):
            out += chunk
            scanner.feed(chunk)
        scanner.close()
        return bytes(out)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, NotImplementedError, OSError):
        raise Refused("damaged_mxl") from None


def _inflated(archive: zipfile.ZipFile, member: zipfile.ZipInfo, cap: int) -> Iterable[bytes]:
    """A member's bytes in chunks; refused as soon as more than ``cap`` bytes come out."""
    total = 0
    with archive.open(member) as fh:
        while chunk := fh.read(CHUNK):
            total += len(chunk)
            if total > cap:
                raise Refused("unpacks_too_much", mb=cap // (1024 * 1024))
            yield chunk


def _root_path(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: Limits) -> str:
    """The score's path: META-INF/container.xml's first rootfile, else the first .xml/.musicxml member."""
    names = {m.filename for m in members}
    if "META-INF/container.xml" in names:
        paths: list[str] = []
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = parser.ExternalEntityRefHandler = _refuse_entities
        parser.StartElementHandler = lambda name, attrs: (name == "rootfile" and "full-path" in attrs
                                                          and paths.append(attrs["full-path"]))
        try:
            for chunk in _inflated(archive, archive.getinfo("META-INF/container.xml"), CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise Refused("damaged_mxl") from None
        except Refused as exc:  # a container over 64 KB is not a real one
            raise Refused("damaged_mxl" if exc.code == "unpacks_too_much" else exc.code) from None
        if paths:
            return paths[0]
    for m in members:
        if not m.filename.startswith("META-INF/") and m.filename.lower().endswith((".xml", ".musicxml")):
            return m.filename
    raise Refused("damaged_mxl")


# ABC ------------------------------------------------------------------------------------------

_ABC_FIELD = re.compile(r"^[A-Za-z+]:")
_ABC_NOISE = re.compile(r'"[^"]*"|![^!]*!|\+[^+\s]*\+|\[[A-Za-z]:[^\]]*\]|%.*$')
_ABC_NOTE = re.compile(r"[A-Ga-g]")


def scan_abc(text: str, limits: Limits = Limits()) -> None:
    """Count an ABC file's lines, tunes and notes (letters in tune bodies outside strings,
    decorations, inline fields and comments)."""
    lines = text.splitlines()
    if len(lines) > limits.max_lines:
        raise Refused("too_many_lines", max=limits.max_lines)
    notes = tunes = 0
    in_body = has_key = False
    for line in lines:
        line = line.strip()
        if _ABC_FIELD.match(line):
            if line.startswith("X:"):
                tunes += 1
                in_body = False
                if tunes > limits.max_tunes:
                    raise Refused("too_many_tunes", max=limits.max_tunes)
            elif line.startswith("K:"):
                in_body = has_key = True
            continue
        if in_body:
            notes += len(_ABC_NOTE.findall(_ABC_NOISE.sub("", line)))
            if notes > limits.max_notes:
                raise Refused("too_many_notes", max=limits.max_notes)
    if not has_key:
        raise Refused("not_abc")
    if not notes:
        raise Refused("no_notes")
