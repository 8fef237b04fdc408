"""The one upload policy (motif/uploads.py): names, sizes, magic bytes and text decoding."""
import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from motif import uploads
from motif.uploads import UploadRejected, api_error, check_upload, clean_text, decode_text, read_text, read_upload

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"
AVI_HEAD = b"RIFF\x24\x00\x00\x00AVI LIST"


def upload(name, data):
    return SimpleUploadedFile(name, data)


def rejected(call, *args) -> UploadRejected:
    with pytest.raises(UploadRejected) as info:
        call(*args)
    return info.value


@pytest.mark.parametrize("kind, name, data", [
    ("score", "Song.MID", b"MThd\x00\x00\x00\x06"),
    ("score", "a.musicxml", b"\xef\xbb\xbf\n<?xml version='1.0'?><score-partwise/>"),
    ("score", "a.xml", "<?xml?>".encode("utf-16")),
    ("score", "a.mxl", b"PK\x03\x04rest"),
    ("score", "tune.abc", b"X:1\nT:Tune\nK:G\nGABc|"),
    ("lyrics", "song.txt", "纸船 boats".encode("utf-16")),
    ("lyrics", "song.lrc", b"[00:01.00]hello"),
    ("video", "clip.mp4", MP4_HEAD),
    ("video", "clip.MOV", b"\x00\x00\x00\x08wide\x00\x01\x00\x00mdat"),
    ("video", "clip.webm", WEBM_HEAD),
    ("video", "clip.mkv", WEBM_HEAD),
    ("video", "clip.avi", AVI_HEAD),
])
def test_accepts_files_whose_content_matches_their_name(kind, name, data):
    file = upload(name, data)
    assert check_upload(kind, file).startswith(".")
    assert file.tell() == 0
    assert read_upload(kind, file) == data


@pytest.mark.parametrize("kind, name, data, code", [
    ("video", "clip.exe", MP4_HEAD, "extension"),
    ("video", "clip", MP4_HEAD, "extension"),
    ("lyrics", "song.pdf", b"hello", "extension"),
    ("video", "clip.mp4", b"", "empty"),
    ("video", "clip.mp4", WEBM_HEAD, "mismatch"),
    ("video", "clip.webm", b"<html>not a video</html>", "mismatch"),
    ("video", "clip.avi", b"RIFF\x00\x00\x00\x00WAVEfmt ", "mismatch"),
    ("score", "a.mid", b"<score-partwise/>", "mismatch"),
    ("score", "a.mxl", b"MThd", "mismatch"),
    ("score", "a.musicxml", b"\x89PNG\r\n\x1a\n", "mismatch"),
])
def test_refuses_wrong_names_and_contents(kind, name, data, code):
    exc = rejected(check_upload, kind, upload(name, data))
    assert exc.code == code
    assert exc.status == {"extension": 415, "mismatch": 415}.get(code, 400)
    assert str(exc).endswith(".")


def test_size_limits_come_from_settings_and_answer_413(settings):
    settings.MOTIF_MAX_LYRICS_UPLOAD_KB = 1
    exc = rejected(check_upload, "lyrics", upload("song.txt", b"a" * 1536))
    assert (exc.code, exc.status) == ("too_large", 413)
    assert str(exc) == "The file is 1.5 KB; the limit is 1 KB."
    settings.MOTIF_MAX_UPLOAD_MB = 1
    assert rejected(check_upload, "video", upload("clip.mp4", MP4_HEAD + b"\x00" * uploads.MB)).status == 413


class LyingSize:
    """A file whose declared size is small but whose content is not: read_upload must stop at the limit."""

    name = "song.txt"
    size = 10

    def __init__(self, data):
        self.data, self.pos, self.reads = data, 0, []

    def seek(self, pos):
        self.pos = pos

    def read(self, n=-1):
        self.reads.append(n)
        chunk = self.data[self.pos:] if n < 0 else self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


def test_read_upload_reads_at_most_the_limit_plus_one(settings):
    settings.MOTIF_MAX_LYRICS_UPLOAD_KB = 1
    file = LyingSize(b"a" * 50_000)
    assert rejected(read_upload, "lyrics", file).code == "too_large"
    assert all(0 <= n <= max(1025, uploads.HEAD_BYTES) for n in file.reads)


def test_register_sniffer_is_the_hook_for_format_owners():
    original = uploads.KINDS["score"].sniffers[".mid"]
    try:
        uploads.register_sniffer("score", ".MID", "a strict MIDI file",
                                 lambda head: head.startswith(b"MThd\x00\x00\x00\x06"))
        assert rejected(check_upload, "score", upload("a.mid", b"MThd\x00\x00\x00\x07")).code == "mismatch"
    finally:
        uploads.KINDS["score"].sniffers[".mid"] = original


# --------------------------------------------------------------------------- text
@pytest.mark.parametrize("data, text", [
    ("hello\r\nworld".encode("utf-8"), "hello\nworld"),
    ("\ufeffhello\rworld".encode("utf-8"), "hello\nworld"),
    ("纸船 boats 😀".encode("utf-16-le"), None),  # no BOM: not UTF-16 we read (refused below)
    (codecs.BOM_UTF16_LE + "纸船 boats 😀".encode("utf-16-le"), "纸船 boats 😀"),
    (codecs.BOM_UTF16_BE + "こんにちは世界".encode("utf-16-be"), "こんにちは世界"),
    ("こんにちは世界".encode("utf-8"), "こんにちは世界"),
    (b"", ""),
])
def test_decodes_utf8_and_bom_marked_utf16(data, text):
    if text is None:
        assert rejected(decode_text, data).code in {"binary", "not_utf8"}
    else:
        assert decode_text(data) == text


@pytest.mark.parametrize("data, code", [
    (codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"c", "odd_utf16"),
    (codecs.BOM_UTF16_BE + "ab".encode("utf-16-be") + b"c", "odd_utf16"),
    (codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", "surrogates"),  # a lone high surrogate
    (codecs.BOM_UTF16_LE + b"\x00\xdc", "surrogates"),  # a lone low surrogate
    (b"ab\xed\xa0\x80cd", "not_utf8"),  # a surrogate encoded in UTF-8
    ("こんにちは世界".encode("shift_jis"), "not_utf8"),
    ("纸船漂过了街角".encode("gb18030"), "not_utf8"),
    ("café crème".encode("latin-1"), "not_utf8"),
    (b"\xff\xfe\x00\x00h\x00\x00\x00", "not_utf8"),  # UTF-32
    (b"hello\x00world", "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (bytes(range(1, 32)) * 20 + b"\xff", "binary"),
    (bytes(range(1, 9)) * 20, "binary"),
])
def test_refuses_what_it_would_have_to_guess(data, code):
    exc = rejected(decode_text, data)
    assert (exc.code, exc.status) == (code, 400)


def test_shift_jis_is_refused_with_a_sentence_naming_the_encodings_that_work():
    message = str(rejected(decode_text, "こんにちは世界".encode("shift_jis")))
    assert "UTF-8" in message and "UTF-16" in message


def test_clean_text_refuses_lone_surrogates_nul_blank_and_oversized_paste(settings):
    assert clean_text("lyrics", "a\r\nb") == "a\nb"
    assert rejected(clean_text, "lyrics", "la la \ud800 la").code == "surrogates"
    assert rejected(clean_text, "lyrics", "la\x00la").code == "binary"
    assert rejected(clean_text, "lyrics", " \n\t\r\n").code == "empty_text"
    settings.MOTIF_MAX_LYRICS_UPLOAD_KB = 1
    exc = rejected(clean_text, "lyrics", "é" * 600)
    assert (exc.code, exc.status) == ("text_too_large", 413)


def test_the_line_limit_counts_non_blank_lines():
    limit = uploads.KINDS["lyrics"].max_lines
    assert clean_text("lyrics", "la\n\n" * limit)
    exc = rejected(clean_text, "lyrics", "la\n" * (limit + 1))
    assert (exc.code, exc.status, exc.params["lines"]) == ("too_many_lines", 413, limit + 1)
    assert clean_text("score", "X:1\n" * (limit + 1))  # no line limit for scores


@pytest.mark.parametrize("data, code", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"\x7fELF\x02\x01\x01\x00\x00", "binary"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary"),
    ("こんにちは世界".encode("shift_jis"), "not_utf8"),
    (b"\n \n", "empty_text"),
])
def test_read_text_decodes_and_applies_the_text_limits(data, code):
    assert read_text("lyrics", upload("song.txt", "hello 你好".encode("utf-16"))) == "hello 你好"
    assert rejected(read_text, "lyrics", upload("song.lrc", data)).code == code


def test_api_error_keeps_the_policy_status_and_names_the_field_of_a_400():
    validation = api_error(UploadRejected("binary"), "file")
    assert validation.status_code == 400 and "binary" in str(validation.detail["file"][0])
    too_big = api_error(UploadRejected("too_large", size="2 MB", limit="1 MB"), "file")
    assert too_big.status_code == 413 and too_big.detail.code == "too_large"  # {"detail": ...}, as documented
    assert api_error(UploadRejected("extension", accepted="x"), "file").status_code == 415


def test_messages_are_translated():
    with translation.override("zh-hans"):
        message = str(UploadRejected("not_utf8"))
    assert "UTF-8" in message and message != str(UploadRejected("not_utf8"))


def test_every_code_has_a_message():
    for code in uploads.MESSAGES:
        params = {"size": "1 MB", "limit": "1 KB", "accepted": "x", "ext": ".x", "what": "y", "lines": 9,
                  "min": 32, "fps": "300", "duration": "2 h"}
        assert str(UploadRejected(code, **params)).endswith(".")


def test_the_largest_request_is_the_largest_upload_plus_the_form_fields(settings):
    settings.MOTIF_MAX_UPLOAD_MB, settings.MOTIF_MAX_SCORE_UPLOAD_MB = 3, 5
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert uploads.largest_request_bytes() == 5 * uploads.MB + 1000
    handler = uploads.BoundedUploadHandler()
    assert handler.handle_raw_input(None, {}, 5 * uploads.MB + 1000, b"x") is None
    with pytest.raises(uploads.UploadTooLarge) as info:
        handler.handle_raw_input(None, {}, 5 * uploads.MB + 1001, b"x")
    assert info.value.limit == 5 * uploads.MB + 1000
