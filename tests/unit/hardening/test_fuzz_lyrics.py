"""Malformed lyrics, pasted and uploaded: each is a 4xx with a sentence within 2 s and nothing is saved
(no report, no job, no file). Through the real API with Django's test client, and the page form."""
import codecs
import json
import re

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from motif.uploads import human_size, largest_request_bytes
from motif.views import bad_request
from tests.unit.hardening.fuzz_support import assert_refused, clock, media, nothing_saved, random_bytes, web  # noqa: F401 (fixtures)
from tests.conftest import error_text

API = "/api/perception/lyrics/"
PAGE = "/analyze/lyrics/"
KB = 1024
JAPANESE = "こんにちは世界\n夜の街を歩く\n"


# Pasted text (after JSON decoding): (name, text, status).
PASTED = [
    ("empty", "", 400), ("spaces", "   ", 400), ("newlines", "\n\n\n", 400), ("tabs and CRs", "\t\r\n \r", 400),
    ("ideographic spaces", "\u3000" * 10, 400), ("BOM only", "\ufeff", 400), ("BOM and spaces", "\ufeff  \n", 400),
    ("line separators", "\u2028" * 100, 400), ("next-line controls", "\x85" * 100, 400),
    ("over 100 KB", "a" * (100 * KB + 1), 413), ("over 100 KB as UTF-8", "é" * (60 * KB), 413),
    ("6,400 lines", "la la\n" * 6400, 413), ("50,000 lines", "la\n" * 50_000, 413),
    ("5,001 lines among blanks", "la\n\n" * 5001, 413), ("5,001 CR lines", "la\r" * 5001, 413),
    ("5,001 section markers", "[Chorus]\n" * 5001, 413),
    ("lone high surrogate", "la \ud800 la", 400), ("lone low surrogate", "la \udfff la", 400),
    ("half an emoji", "I love you \ud83d", 400), ("NUL", "la\x00la", 400),
    ("C0 controls", "\x01\x02\x03\x04" * 100, 400),
    ("ANSI escapes", "\x1b[31m" * 1000, 400), ("DEL", "\x7f" * 50, 400), ("backspaces", "\x08" * 50, 400),
    ("vertical tabs", "\x0b\x0c" * 50, 400), ("latin-1 binary", bytes(range(1, 32)).decode("latin-1") * 100, 400),
]


# Django decodes multipart fields with replacement characters, so lone surrogates only travel in JSON.
PASTED_AS_FORM = [p for p in PASTED if "surrogate" not in p[0] and "emoji" not in p[0]]


@pytest.mark.parametrize("name, text, status", PASTED, ids=[p[0] for p in PASTED])
def test_pasted_lyrics_in_json_are_refused(name, text, status, web, nothing_saved):
    started = clock()
    body = json.dumps({"title": "t", "text": text}).encode()
    response = web.generic("POST", API, body, content_type="application/json")
    assert_refused(response, started, statuses={status})


@pytest.mark.parametrize("name, text, status", PASTED_AS_FORM, ids=[p[0] for p in PASTED_AS_FORM])
def test_pasted_lyrics_in_a_form_are_refused(name, text, status, web, nothing_saved):
    started = clock()
    response = web.post(API, {"title": "t", "text": text})
    assert_refused(response, started, statuses={status})


@pytest.mark.parametrize("payload", [
    {"text": None}, {"text": ["a"]}, {"text": {"$gt": ""}}, {"text": True}, {"title": "x" * 201, "text": "la"},
    {"title": "la \ud800", "text": "la"}, {"text": "la", "file": "not a file"},
], ids=["null", "list", "object", "bool", "long title", "surrogate title", "file as string"])
def test_wrongly_typed_fields_are_refused(payload, web, nothing_saved):
    started = clock()
    response = web.generic("POST", API, json.dumps(payload).encode(), content_type="application/json")
    assert_refused(response, started, statuses={400})


def _utf16(text: str, bom=codecs.BOM_UTF16_LE, codec="utf-16-le") -> bytes:
    return bom + text.encode(codec)


# Uploaded files: (name, filename, bytes, status).
FILES = [
    ("empty file", "song.txt", b"", 400),
    ("PNG renamed .txt", "song.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random_bytes(500, 1), 400),
    ("JPEG renamed .txt", "song.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random_bytes(500, 2), 400),
    ("ELF renamed .lrc", "song.lrc", b"\x7fELF\x02\x01\x01\x00" + random_bytes(500, 3), 400),
    ("zip renamed .txt", "song.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + random_bytes(500, 4), 400),
    ("gzip renamed .txt", "song.txt", b"\x1f\x8b\x08\x00" + random_bytes(500, 5), 400),
    ("PDF renamed .txt", "song.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + random_bytes(500, 6), 400),
    ("MP3 renamed .txt", "song.txt", b"ID3\x04\x00\x00\x00\x00\x00\x00" + random_bytes(500, 7), 400),
    ("random 4 KB", "song.txt", random_bytes(4 * KB, 8), 400),
    ("random 90 KB", "song.lrc", random_bytes(90 * KB, 9), 400),
    ("UTF-16 LE, BOM, odd bytes", "song.txt", _utf16("la la") + b"\x00", 400),
    ("UTF-16 BE, BOM, odd bytes", "song.txt", _utf16("la la", codecs.BOM_UTF16_BE, "utf-16-be") + b"a", 400),
    ("UTF-16 lone high surrogate", "song.txt", codecs.BOM_UTF16_LE + b"l\x00\x00\xd8a\x00", 400),
    ("UTF-16 lone low surrogate", "song.txt", codecs.BOM_UTF16_LE + b"l\x00\x00\xdca\x00", 400),
    ("UTF-16 high surrogate at the end", "song.txt", codecs.BOM_UTF16_LE + b"l\x00\x3d\xd8", 400),
    ("UTF-16 without BOM", "song.txt", "la la la".encode("utf-16-le"), 400),
    ("UTF-32 LE with BOM", "song.txt", "la la".encode("utf-32"), 400),
    ("UTF-32 BE with BOM", "song.txt", codecs.BOM_UTF32_BE + "la".encode("utf-32-be"), 400),
    ("surrogate in UTF-8", "song.txt", b"la \xed\xa0\x80 la", 400),
    ("Shift-JIS", "song.txt", JAPANESE.encode("shift_jis"), 400),
    ("EUC-JP", "song.txt", JAPANESE.encode("euc_jp"), 400),
    ("GB18030", "song.txt", "纸船漂过了街角\n".encode("gb18030"), 400),
    ("Big5", "song.txt", "紙船漂過了街角\n".encode("big5"), 400),
    ("EUC-KR", "song.txt", "안녕하세요 세계\n".encode("euc_kr"), 400),
    ("latin-1", "song.txt", "café crème brûlée\n".encode("latin-1"), 400),
    ("cp1252 quotes", "song.txt", "\u201cdon\u2019t\u201d\n".encode("cp1252"), 400),
    ("UTF-8 BOM then Shift-JIS", "song.txt", codecs.BOM_UTF8 + JAPANESE.encode("shift_jis"), 400),
    ("overlong UTF-8", "song.txt", b"la \xc0\xaf la", 400),
    ("truncated UTF-8", "song.txt", "la la é".encode()[:-1], 400),
    ("5-byte UTF-8", "song.txt", b"la \xf8\x88\x80\x80\x80 la", 400),
    ("NUL in UTF-8", "song.txt", b"la la\x00la la\n", 400),
    ("ANSI escapes", "song.txt", b"\x1b[31m" * 1000, 400),
    ("blank file", "song.txt", b"   \n\n\t\n", 400),
    ("BOM only", "song.txt", codecs.BOM_UTF8, 400),
    ("UTF-16 BOM only", "song.txt", codecs.BOM_UTF16_LE, 400),
    ("over 100 KB", "song.txt", b"a" * (100 * KB + 1), 413),
    ("6,400 lines", "song.txt", b"la la\n" * 6400, 413),
    ("50,000 lines", "song.txt", b"la\n" * 50_000, 413),
    ("5,001 lines in UTF-16", "song.txt", _utf16("la\n" * 5001), 413),
    ("5,001 CR lines", "song.lrc", b"la\r" * 5001, 413),
    ("extension .pdf", "song.pdf", b"la la la\n", 415),
    ("extension .exe", "song.exe", b"MZ\x90\x00", 415),
    ("no extension", "song", b"la la la\n", 415),
    ("double extension", "song.txt.exe", b"la la la\n", 415),
    ("uppercase name, binary", "SONG.TXT", b"\x00\x01\x02\x03" * 100, 400),
]


def test_the_corpora_are_large_enough():
    assert len(PASTED) + len(PASTED_AS_FORM) >= 40 and len(FILES) >= 40


@pytest.mark.parametrize("name, filename, data, status", FILES, ids=[f[0] for f in FILES])
def test_uploaded_lyric_files_are_refused(name, filename, data, status, web, nothing_saved):
    started = clock()
    response = web.post(API, {"title": "t", "file": SimpleUploadedFile(filename, data)})
    sentence = assert_refused(response, started, statuses={status})
    assert sentence.endswith((".", "?", ")"))


def test_a_text_and_a_file_together_are_refused(web, nothing_saved):
    started = clock()
    response = web.post(API, {"text": "la la", "file": SimpleUploadedFile("song.txt", b"la la")})
    assert_refused(response, started, statuses={400})


def test_shift_jis_names_the_encodings_that_work(web, nothing_saved):
    response = web.post(API, {"file": SimpleUploadedFile("song.txt", JAPANESE.encode("shift_jis"))})
    message = error_text(response, "file")
    assert "UTF-8" in message and "UTF-16" in message


@pytest.mark.parametrize("fields", [
    {"text": "la la\n" * 6400},
    {"file": SimpleUploadedFile("song.txt", JAPANESE.encode("shift_jis"))},
    {"file": SimpleUploadedFile("song.txt", _utf16("la la") + b"\x00")},
    {"file": SimpleUploadedFile("song.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")},
    {"file": SimpleUploadedFile("song.pdf", b"la la")},
], ids=["6,400 lines", "Shift-JIS", "odd UTF-16", "PNG", "pdf"])
def test_the_page_form_refuses_with_a_sentence(fields, web, nothing_saved):
    started = clock()
    response = web.post(PAGE, {"title": "", **fields})
    page = assert_refused(response, started, statuses={400})
    errors = re.findall(r'<p class="error" role="alert">([^<]+)</p>', page)
    assert errors and all(e.rstrip().endswith((".", ")")) for e in errors)


@pytest.mark.parametrize("body, status, words", [
    ({"text": "a" * (10 * 1024 * KB + 1)}, 413, "larger than 10 MB"),
    ({f"f{i}": "1" for i in range(1200)}, 400, "too many fields"),
], ids=["form over the body limit", "too many fields"])
def test_the_page_refuses_unreadable_forms_with_a_sentence(body, status, words, web, nothing_saved):
    started = clock()
    response = web.post(PAGE, body)
    assert words in assert_refused(response, started, statuses={status})


def test_the_page_refuses_a_multipart_body_larger_than_any_upload_before_reading_it(web, nothing_saved):
    body = encode_multipart(BOUNDARY, {"text": "la la"})
    started = clock()
    response = web.generic("POST", PAGE, body, content_type=MULTIPART_CONTENT, CONTENT_LENGTH=str(5 * 1024 ** 3))
    sentence = assert_refused(response, started, statuses={413})
    assert f"larger than {human_size(largest_request_bytes())}" in sentence


def test_a_page_body_error_under_the_api_is_json(rf):
    response = bad_request(rf.post("/api/perception/lyrics/"), RequestDataTooBig())
    assert response.status_code == 413 and "larger than" in json.loads(response.content)["detail"]
    assert bad_request(rf.get("/"), None).status_code == 400
