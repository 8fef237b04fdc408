"""Reading lyrics: input checks, LRC tags, sections, stanzas, repeats and language (no models)."""
import pytest

from motif.uploads import UploadRejected
from perception.lyrics.analysis.structure import (
    decode_lyrics,
    detect_language,
    find_repeats,
    parse_section_marker,
    parse_structure,
)

SONG = """[ti:Paper Boats]
[ar:Test Writer]
[00:01.20]Paper boats along the gutter
[00:04.80]Carry every word I stutter

[Chorus]
[00:09.00]Sail away, sail away
[00:12.50]Sail away tonight

副歌：
纸船漂过了街角
带走我说不出的话
"""


def test_lrc_tags_and_metadata_are_stripped():
    structure = parse_structure(SONG)
    texts = [line.text for line in structure.lines]
    assert texts[0] == "Paper boats along the gutter"
    assert not any("[" in t or "00:" in t for t in texts)
    assert structure.had_lrc_tags


def test_sections_and_stanzas():
    structure = parse_structure(SONG)
    kinds = [(s.kind, s.name) for s in structure.sections]
    assert kinds == [("stanza", "Stanza 1"), ("chorus", "Chorus"), ("chorus", "副歌")]
    assert structure.stanzas == 3
    assert [len(s.lines) for s in structure.sections] == [2, 2, 2]


@pytest.mark.parametrize("line, kind", [
    ("[Verse 2]", "verse"), ("(Chorus x2)", "chorus"), ("Bridge:", "bridge"), ("【副歌】", "chorus"),
    ("主歌一", "verse"), ("[Pre-Chorus]", "pre-chorus"), ("[Outro: whispered]", "outro"), ("[Hook]", "chorus"),
])
def test_section_markers(line, kind):
    assert parse_section_marker(line)[0] == kind


@pytest.mark.parametrize("line", [
    "Chorus of angels singing loud", "Verse by verse we fall apart", "The bridge is burning",
    "Hook, line and sinker", "Chorus: sail away with me tonight",
])
def test_lyric_lines_are_not_markers(line):
    assert parse_section_marker(line) is None


def test_repeats_and_hook():
    lines = ["Hold the line", "we run", "Hold the line!", "we run", "hold the LINE"]
    repeated, hook = find_repeats(lines)
    assert repeated == {"hold the line": 3, "we run": 2}
    assert hook == "Hold the line"


@pytest.mark.parametrize("text, language", [
    ("Walking down the lane", "en"), ("我在夜里想你", "zh"), ("I miss you 我想你 tonight baby 在夜里", "mixed"),
    ("😀😀 🎵", "unknown"), ("12345 !!!", "unknown"),
])
def test_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("raw, code", [
    ("", "empty_text"), ("   \n\t \n", "empty_text"), (b"", "empty_text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"), (b"\x80\xff" * 10, "not_utf8"),
    ("纸船漂过了街角".encode("gb18030"), "not_utf8"), ("la \ud800 la", "surrogates"),
])
def test_bad_input_has_a_clear_message(raw, code):
    with pytest.raises(UploadRejected) as info:
        decode_lyrics(raw)
    assert info.value.code == code
    assert str(info.value).endswith(".")


def test_decoding_utf8_and_bom_marked_utf16():
    assert decode_lyrics("\ufeffhello\r\nworld".encode("utf-8")) == "hello\nworld"
    assert decode_lyrics("纸船 boats".encode("utf-16")) == "纸船 boats"
