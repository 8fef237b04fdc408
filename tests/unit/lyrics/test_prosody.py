"""Syllables and rhyme on hand-checked cases."""
import pytest

from perception.lyrics.analysis.prosody import (
    assign_rhymes,
    guess_syllables,
    internal_rhymes,
    line_syllables,
    scheme_string,
)


@pytest.mark.parametrize("line, count", [
    ("Paper boats along the gutter", 8),       # pa-per boats a-long the gut-ter
    ("Every morning I wake up", 8),            # CMUdict: EH1 V ER0 IY0 -> ev-er-y
    ("Sail away tonight", 5),
    ("Singin' in the rain", 5),                # singin' -> singing
    ("纸船漂过了街角", 7),                        # one syllable per character
    ("Hello 世界", 4),
    ("", 0),
])
def test_line_syllables(line, count):
    assert line_syllables(line) == count


@pytest.mark.parametrize("word, count", [("zorblax", 2), ("flimbering", 3), ("skree", 1), ("glimmerstone", 3)])
def test_unknown_words_fall_back_to_spelling(word, count):
    assert guess_syllables(word) == count


def scheme(lines):
    return scheme_string([r["letter"] for r in assign_rhymes(lines)])


def test_couplets_aabb():
    assert scheme(["I saw the light", "in the dead of night", "she took my hand", "I understand"]) == "AABB"


def test_alternate_abab():
    assert scheme(["the river runs", "beneath the stone", "we chase the suns", "and walk alone"]) == "ABAB"


def test_ballad_abcb():
    assert scheme(["the kettle sings", "a quiet tune", "my coat is wet", "beneath the moon"]) == "ABCB"


def test_slant_rhyme_is_near_and_shares_a_letter():
    result = assign_rhymes(["I lost my time", "I walked the line"])
    assert [r["letter"] for r in result] == ["A", "A"]
    assert result[1]["kind"] == "near"


def test_chinese_rhyme_by_finals():
    # 家 jia / 花 hua (发花 group), 天 tian (言前), 下 xia (发花)
    assert scheme(["我想回家", "窗外有花", "蓝色的天", "雨还在下"]) == "AABA"


def test_internal_rhymes():
    assert internal_rhymes("the night was bright and the fight was tight") == [["night", "bright", "fight", "tight"]]
    assert internal_rhymes("no rhymes inside this one") == []
