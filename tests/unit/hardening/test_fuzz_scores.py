"""Malformed scores (MIDI, MusicXML, .mxl, ABC) uploaded to the vary endpoint, all built here.

Each is either refused in the request (a 4xx with a sentence within 2 s, nothing saved) or, when it passes
the cheap checks, becomes a job that ends within its parse limit with a sentence (never a crash) and
leaves no stored upload behind.
"""
import io
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs import runner
from jobs.models import Job
from studio import uploads
from studio.models import ScoreUpload
from tests.unit.hardening.fuzz_support import assert_refused, clock, media, nothing_saved, random_bytes, web  # noqa: F401 (fixtures)
from tests.unit.studio_web.conftest import fake_models  # noqa: F401 (fixture)

API = "/api/studio/vary/"
JOB = "job"  # the case passes the cheap checks; its job must end cleanly
PARSE_SECONDS = 8
CRASH = "Something went wrong"


# MIDI ---------------------------------------------------------------------------------------------

def midi(tracks: list[bytes], fmt: int = 1, division: int = 480, ntracks: int | None = None) -> bytes:
    header = b"MThd" + struct.pack(">IHHH", 6, fmt, len(tracks) if ntracks is None else ntracks, division)
    return header + b"".join(b"MTrk" + struct.pack(">I", len(t)) + t for t in tracks)


def notes(count: int, channel: int = 0, pitch: int = 60, delta: bytes = b"\x60") -> bytes:
    on, off = 0x90 | channel, 0x80 | channel
    return b"".join(b"\x00" + bytes([on, pitch + i % 12, 90]) + delta + bytes([off, pitch + i % 12, 0])
                    for i in range(count)) + b"\x00\xff\x2f\x00"


GOOD_MIDI = midi([notes(8)])
MIDI_CASES = [
    ("empty", b"", 400), ("one byte", b"M", 415), ("magic only", b"MThd", 400),
    ("header cut", GOOD_MIDI[:10], 400), ("header without tracks", GOOD_MIDI[:14], 400),
    ("zero tracks declared", midi([], ntracks=0), 400), ("65535 tracks declared", midi([notes(1)], ntracks=65535), 400),
    ("17 tracks", midi([notes(1)] * 17), 400), ("huge header length", b"MThd\xff\xff\xff\xff" + GOOD_MIDI[8:], 400),
    ("header length 0", b"MThd\x00\x00\x00\x00" + GOOD_MIDI[8:], 400),
    ("huge track length", GOOD_MIDI[:18] + b"\x7f\xff\xff\xff" + GOOD_MIDI[22:], 400),
    *[(f"cut at {n}", GOOD_MIDI[:n], 400) for n in (16, 22, 25, 30, len(GOOD_MIDI) - 5)],
    ("running status first", midi([b"\x00\x3c\x40" + notes(1)]), 400),
    ("five-byte delta", midi([b"\xff\xff\xff\xff\x7f\x90\x3c\x40"]), 400),
    ("meta past the end", midi([b"\x00\xff\x01\x7f\x41"]), 400), ("sysex past the end", midi([b"\x00\xf0\x8f\xff\x7f"]), 400),
    ("system common byte", midi([b"\x00\xf2\x00\x00" + notes(1)]), 400),
    ("meta events only", midi([b"\x00\xff\x03\x04name\x00\xff\x2f\x00"]), 400),
    ("note-offs only", midi([b"\x00\x80\x3c\x40" * 50 + b"\x00\xff\x2f\x00"]), 400),
    ("zero-velocity note-ons only", midi([b"\x00\x90\x3c\x00" * 50 + b"\x00\xff\x2f\x00"]), 400),
    ("drums only", midi([notes(20, channel=9)]), 400), ("25k notes", midi([notes(25_000)]), 400),
    ("250k controller events", midi([b"\x00\xb0\x07\x40" * 250_000 + notes(1)]), 400),
    ("unknown chunks only", b"MThd" + struct.pack(">IHHH", 6, 1, 1, 480) + b"XXXX\x00\x00\x00\x04abcd", 400),
    ("MusicXML inside", b"<?xml version='1.0'?><score-partwise/>", 415), ("junk", random_bytes(2048, 1), 415),
    ("magic then junk", b"MThd" + random_bytes(1024, 2), 400), ("ABC inside", b"X:1\nK:C\nCDEF|\n", 415),
    ("zip inside", b"PK\x03\x04" + random_bytes(100, 3), 415), ("PNG inside", b"\x89PNG\r\n\x1a\n" + random_bytes(100, 4), 415),
    ("RIFF-wrapped", b"RIFF\x00\x00\x00\x00RMID" + GOOD_MIDI, 415), ("UTF-16 BOM first", b"\xff\xfe" + GOOD_MIDI, 415),
    ("16k notes", midi([notes(16_000)]), JOB), ("trailing junk", GOOD_MIDI + random_bytes(500, 5), JOB),
    ("format 7", midi([notes(8)], fmt=7), JOB), ("division 0", midi([notes(8)], division=0), JOB),
    ("data byte over 127", midi([b"\x00\x90\xff\xff" + notes(2)]), JOB),
    ("notes out of range", midi([notes(4, pitch=0)]), JOB),
    ("zero tempo", midi([b"\x00\xff\x51\x03\x00\x00\x00" + notes(4)]), JOB),
    ("huge deltas", midi([notes(4, delta=b"\x8f\xff\xff\x7f")]), JOB),
]


# MusicXML -----------------------------------------------------------------------------------------

NOTE = "<note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration></note>"


def score(measures: list[str] | None = None, parts: int = 1, doctype: str = "", divisions: str = "1") -> bytes:
    measures = measures if measures is not None else [NOTE]
    part_list = "".join(f'<score-part id="P{i}"><part-name>p</part-name></score-part>' for i in range(parts))
    body = "".join(f'<measure number="{n + 1}">' + (f"<attributes><divisions>{divisions}</divisions></attributes>"
                                                     if n == 0 else "") + m + "</measure>"
                   for n, m in enumerate(measures))
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<score-partwise version="4.0"><part-list>{part_list}'
            f'</part-list><part id="P0">{body}</part></score-partwise>').encode()


PUBLIC_DOCTYPE = ('<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" '
                  '"http://www.musicxml.org/dtds/partwise.dtd">')
LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10))
GOOD_XML = score()
XML_CASES = [
    ("empty", b"", 400), ("a lone bracket", b"<", 400), ("declaration only", b'<?xml version="1.0"?>', 400),
    ("plain text", b"hello, I am a score", 415), ("HTML", b"<html><body>" + NOTE.encode() + b"</body></html>", 400),
    ("wrong root", b"<score>" + NOTE.encode() + b"</score>", 400),
    *[(f"cut at {n}", GOOD_XML[:n], 400) for n in (60, 120, 200, 260, len(GOOD_XML) - 10)],
    ("billion laughs", score([NOTE.replace("C<", "&lol9;<")], doctype=f"<!DOCTYPE score-partwise [{LAUGHS}]>"), 400),
    ("external entity", score(doctype='<!DOCTYPE score-partwise [<!ENTITY x SYSTEM "file:///etc/passwd">]>'), 400),
    ("parameter entity", score(doctype='<!DOCTYPE score-partwise [<!ENTITY % p SYSTEM "http://x/y.dtd"> %p;]>'), 400),
    ("element declaration", score(doctype="<!DOCTYPE score-partwise [<!ELEMENT a ANY>]>"), 400),
    ("undeclared entity with a DTD", score([NOTE.replace("C<", "&foo;<")], doctype=PUBLIC_DOCTYPE), 400),
    ("undeclared entity", score([NOTE.replace("C<", "&foo;<")]), 400),
    ("5,000 levels deep", score([NOTE + "<a>" * 5000 + "</a>" * 5000]), 400),
    ("33 levels deep", score([NOTE + "<a>" * 30 + "</a>" * 30]), 400),
    ("25k notes", score([NOTE * 25_000]), 400), ("17 parts", score(parts=17), 400),
    ("2,001 measures", score([NOTE] * 2001), 400), ("no notes", score(["<rest/>"]), 400),
    ("mismatched tags", GOOD_XML.replace(b"</part>", b"</prat>"), 400),
    ("invalid UTF-8", GOOD_XML.replace(b"<step>C", b"<step>\xff\xfe"), 400),
    ("odd UTF-16", b"\xff\xfe" + GOOD_XML.decode().encode("utf-16-le")[:-1], 400),
    ("unknown encoding", GOOD_XML.replace(b"UTF-8", b"x-klingon"), 400),
    ("NUL inside", GOOD_XML.replace(b"<note>", b"<note>\x00"), 400),
    ("two roots", GOOD_XML + b"<score-partwise/>", 400), ("MIDI inside", GOOD_MIDI, 415),
    ("zip inside", b"PK\x03\x04" + random_bytes(100, 6), 415), ("junk", random_bytes(4096, 7), 415),
    ("junk after a bracket", b"<" + random_bytes(4096, 8), 400),
    ("long element names", b"<score-partwise><" + b"a" * 100_000 + b"/></score-partwise>", 400),
    ("10k attributes", b"<score-partwise " + b" ".join(b'a%d="1"' % i for i in range(10_000)) + b"/>", 400),
    ("20 MB of notes", score([NOTE * 200] * 1250), 400),
    ("over 20 MB", b"<score-partwise>" + b" " * (20 * 1024 * 1024), 413),
    ("UTF-16", b"\xff\xfe" + GOOD_XML.decode().replace("UTF-8", "UTF-16").encode("utf-16-le"), JOB),
    ("2 MB of comments", score(["<!--" + "x" * 2_000_000 + "-->" + NOTE]), JOB),
    ("score-timewise", b'<score-timewise><part-list><score-part id="P1"/></part-list><measure number="1">'
                       b'<part id="P1">' + NOTE.encode() + b"</part></measure></score-timewise>", JOB),
    ("negative duration", score([NOTE.replace(">4<", ">-4<")]), JOB), ("divisions 0", score(divisions="0"), JOB),
    ("step H", score([NOTE.replace(">C<", ">H<")]), JOB), ("octave 99", score([NOTE.replace(">4</oct", ">99</oct")]), JOB),
    ("notes without pitch", score(["<note><duration>4</duration></note>"]), JOB),
    ("public DTD", score(doctype=PUBLIC_DOCTYPE), JOB),
]


# Compressed MusicXML (.mxl) -----------------------------------------------------------------------

CONTAINER = (b'<?xml version="1.0"?><container><rootfiles><rootfile full-path="score.xml"/></rootfiles>'
             b"</container>")


def mxl(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def patched(data: bytes, field_offset: int, value: bytes) -> bytes:
    """``data`` with a field of both the local and the central header of its first member replaced."""
    out = bytearray(data)
    local, central = 0, data.index(b"PK\x01\x02")
    out[local + field_offset:local + field_offset + len(value)] = value
    central_offset = {6: 8, 8: 10, 14: 16, 18: 20, 22: 24}[field_offset]  # same field in the central header
    out[central + central_offset:central + central_offset + len(value)] = value
    return bytes(out)


GOOD_MXL = mxl({"META-INF/container.xml": CONTAINER, "score.xml": GOOD_XML})
BOMB = mxl({"score.xml": b"<score-partwise>" + b" " * 40_000_000})
SINGLE = mxl({"score.xml": GOOD_XML})
MXL_CASES = [
    ("empty", b"", 400), ("PK only", b"PK", 415), ("magic then junk", b"PK\x03\x04" + random_bytes(500, 9), 400),
    *[(f"cut at {n}", GOOD_MXL[:n], 400) for n in (10, 40, 100, 200, len(GOOD_MXL) - 30)],
    ("zip bomb", BOMB, 400), ("lying size: 100 bytes", patched(BOMB, 22, struct.pack("<I", 100)), 400),
    ("lying size: 2 GB", patched(BOMB, 22, struct.pack("<I", 2**31)), 400),
    ("bad CRC", patched(SINGLE, 14, b"\x00\x00\x00\x00"), 400),
    ("encrypted", patched(SINGLE, 6, b"\x01\x00"), 400), ("unknown method", patched(SINGLE, 8, b"\x63\x00"), 400),
    ("missing root file", mxl({"META-INF/container.xml": CONTAINER}), 400),
    ("container with laughs", mxl({"META-INF/container.xml": f"<!DOCTYPE c [{LAUGHS}]><c>&lol9;</c>".encode(),
                                   "score.xml": GOOD_XML}), 400),
    ("broken container", mxl({"META-INF/container.xml": b"<container><rootfiles>", "score.xml": GOOD_XML}), 400),
    ("100 KB container", mxl({"META-INF/container.xml": b"<c>" + b" " * 100_000 + b"</c>", "score.xml": GOOD_XML}), 400),
    ("no XML member", mxl({"notes.txt": b"CDEF"}), 400), ("HTML root", mxl({"score.xml": b"<html/>"}), 400),
    ("root with laughs", mxl({"score.xml": score(doctype=f"<!DOCTYPE score-partwise [{LAUGHS}]>")}), 400),
    ("deep root", mxl({"score.xml": score([NOTE + "<a>" * 5000 + "</a>" * 5000])}), 400),
    ("25k notes", mxl({"score.xml": score([NOTE * 25_000])}), 400),
    ("100 members", mxl({f"m{i}.xml": GOOD_XML for i in range(100)}), 400),
    ("mxl inside mxl", mxl({"META-INF/container.xml": CONTAINER.replace(b"score.xml", b"inner.mxl"),
                            "inner.mxl": GOOD_MXL}), 400),
    ("empty root", mxl({"score.xml": b""}), 400), ("odd UTF-16 root", mxl({"score.xml": b"\xff\xfe<\x00s"}), 400),
    ("only the container", mxl({"META-INF/container.xml": CONTAINER}, zipfile.ZIP_STORED), 400),
    *[(f"byte flipped at {n}", SINGLE[:n] + bytes([SINGLE[n] ^ 0xFF]) + SINGLE[n + 1:], 400) for n in (45, 60, 80)],
    ("central directory offset past the end", SINGLE[:-6] + b"\xff\xff\xff\x7f\x00\x00", 400),
    ("MIDI inside", GOOD_MIDI, 415), ("MusicXML inside", GOOD_XML, 415), ("junk", random_bytes(1000, 10), 415),
    ("root outside the archive", mxl({"META-INF/container.xml": CONTAINER.replace(b"score.xml", b"../x.xml"),
                                      "score.xml": GOOD_XML}), 400),
    ("two roots in the score", mxl({"score.xml": GOOD_XML + b"<score-partwise/>"}), 400),
    ("no notes in the score", mxl({"score.xml": score(["<rest/>"])}), 400),
    ("stored", mxl({"score.xml": GOOD_XML}, zipfile.ZIP_STORED), JOB),
    ("path traversal name", mxl({"../../../tmp/evil.xml": GOOD_XML}), JOB),
    ("bzip2", mxl({"score.xml": GOOD_XML}, zipfile.ZIP_BZIP2), JOB),
    ("rootfile without a path", mxl({"META-INF/container.xml": b"<container><rootfile/></container>",
                                     "score.xml": GOOD_XML}), JOB),
]


# ABC ----------------------------------------------------------------------------------------------

TUNE = "X:1\nT:t\nM:4/4\nL:1/8\nK:C\n"
ABC_CASES = [
    ("empty", b"", 400), ("spaces", b"   \n  ", 400), ("index only", b"X:1\n", 400),
    ("header only", TUNE.encode(), 400), ("junk", random_bytes(2000, 11), 400), ("Shift-JIS", "X:1\nT:こんにちは\nK:C\nCDEF|\n".encode("shift_jis"), 400),
    ("odd UTF-16", b"\xff\xfe" + (TUNE + "CDEF|\n").encode("utf-16-le")[:-1], 400),
    ("lone surrogate", b"\xff\xfe" + TUNE.encode("utf-16-le") + b"\x00\xd8C\x00", 400),
    ("NUL bytes", (TUNE + "CD\x00EF|\n").encode(), 400), ("6,000 lines", (TUNE + "CDEF|\n" * 6000).encode(), 400),
    ("101 tunes", ("X:1\nK:C\nCDEF|\n" * 101).encode(), 400), ("25k notes", (TUNE + "CDEFGABc|" * 3000).encode(), 400),
    ("MIDI inside", GOOD_MIDI, 400), ("zip inside", GOOD_MXL, 400), ("MusicXML inside", GOOD_XML, 400),
    ("symbols only", (TUNE + "@#$%^&*()|\n").encode(), 400), ("brackets only", (TUNE + "(((((((((((\n").encode(), 400),
    ("comments only", b"% a comment\n% another\n", 400), ("one long line", (TUNE + "CDEF" * 300_000).encode(), 400),
    ("broken UTF-8", (TUNE + "CDEF|\n").encode() + b"\xc3\x28", 400),
    ("decorations only", (TUNE + "!trill!" * 10_000 + "\n").encode(), 400),
    ("rests only", (TUNE + "z4 z4 z4 z4|\n").encode(), 400), ("notes without a key", b"X:1\nT:t\nCDEF|\n", 400),
    ("chord of 25k notes", (TUNE + "[" + "CEG" * 8400 + "]|\n").encode(), 400),
    ("strings only", (TUNE + '"CDEF" "GABc"|\n').encode(), 400), ("fields only", b"X:1\nK:C\nT:CDEF\nW:GAB\n", 400),
    ("inline fields only", (TUNE + "[K:C][M:3/4][L:1/4]|\n").encode(), 400),
    ("UTF-32", (TUNE + "CDEF|\n").encode("utf-32"), 400), ("PNG inside", b"\x89PNG\r\n\x1a\n" + random_bytes(200, 12), 400),
    ("control characters", (TUNE + "\x01\x02\x03\x04" * 100).encode(), 400),
    ("over 20 MB", b"X:1\nK:C\n" + b"C" * (20 * 1024 * 1024), 413), ("wrong extension", b"X:1\nK:C\nCDEF|\n", 415),
    ("huge note length", (TUNE + "C999999999 D|\n").encode(), JOB), ("zero unit length", b"X:1\nL:1/0\nK:C\nCDEF|\n", JOB),
    ("unterminated string", (TUNE + '"CDEF GABc|\n').encode(), JOB), ("unknown key", b"X:1\nK:ZZZ\nCDEF|\n", JOB),
    ("grace notes only", (TUNE + "{CDEF}{GABc}|\n").encode(), JOB), ("CR line ends", (TUNE + "CDEF|\n").replace("\n", "\r").encode(), JOB),
    ("huge tuplet", (TUNE + "(9999CDE|\n").encode(), JOB), ("19k notes", (TUNE + "CDEFGABc|" * 2375).encode(), JOB),
]

CASES = ([("midi", n, "tune.mid", d, e) for n, d, e in MIDI_CASES]
         + [("musicxml", n, "tune.musicxml", d, e) for n, d, e in XML_CASES]
         + [("mxl", n, "tune.mxl", d, e) for n, d, e in MXL_CASES]
         + [("abc", n, "tune.txt" if n == "wrong extension" else "tune.abc", d, e) for n, d, e in ABC_CASES])
REFUSED = [c for c in CASES if c[4] != JOB]
ACCEPTED = [c for c in CASES if c[4] == JOB]


@pytest.fixture(autouse=True)
def warm(web):
    """One request first, so that the timed one does not pay for the first import of the API's modules."""
    web.post(API, {})


def test_at_least_forty_cases_per_format():
    for kind in ("midi", "musicxml", "mxl", "abc"):
        assert sum(c[0] == kind for c in CASES) >= 40, kind


@pytest.mark.parametrize("kind, name, filename, data, status", REFUSED, ids=[f"{c[0]}: {c[1]}" for c in REFUSED])
def test_refused_in_the_request(kind, name, filename, data, status, web, nothing_saved):
    upload = SimpleUploadedFile(filename, data)
    started = clock()
    response = web.post(API, {"file": upload, "count": 1})
    assert_refused(response, started, statuses={status})


@pytest.mark.parametrize("kind, name, filename, data, status", ACCEPTED, ids=[f"{c[0]}: {c[1]}" for c in ACCEPTED])
def test_accepted_then_ended_cleanly_by_the_job(kind, name, filename, data, status, web, settings, fake_models):
    settings.MOTIF_SCORE_PARSE_SECONDS = PARSE_SECONDS
    started = time.perf_counter()
    response = web.post(API, {"file": SimpleUploadedFile(filename, data), "count": 1})
    assert response.status_code == 202 and time.perf_counter() - started < 2
    job = Job.objects.get(pk=response.json()["id"])
    started = time.perf_counter()
    runner.execute(job.pk)
    assert time.perf_counter() - started < PARSE_SECONDS + 5
    job.refresh_from_db()
    assert job.status in ("succeeded", "failed") and CRASH not in job.error
    assert job.status == "succeeded" or job.error.strip()
    assert not ScoreUpload.objects.exists()


def test_a_20_mb_musicxml_file_is_refused_within_a_second():
    data = score([NOTE * 200] * 1250)
    assert 19.5 * 1024 * 1024 < len(data) <= 20 * 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(Exception, match="more than 20000 notes"):
        uploads.check_upload(SimpleUploadedFile("big.musicxml", data))
    assert time.perf_counter() - started < 1
