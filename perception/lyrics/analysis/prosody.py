"""Syllables and rhyme: CMUdict (via ``pronouncing``) for English, pinyin finals for Chinese."""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

from .structure import HAN

WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)?")
TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)?|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_STRESS = re.compile(r"\d")
_VOWEL_PHONE = re.compile(r"^[AEIOU]")


# --------------------------------------------------------------------------- English
@lru_cache(maxsize=20000)
def phones(word: str) -> str | None:
    import pronouncing

    found = pronouncing.phones_for_word(word.lower())
    if not found and word.lower().endswith("in'"):  # singin' -> singing
        found = pronouncing.phones_for_word(word.lower()[:-1] + "g")
    return found[0] if found else None


def guess_syllables(word: str) -> int:
    """Spelling fallback for words CMUdict does not know."""
    w = word.lower().strip("'")
    if not w:
        return 0
    count = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # silent e
    if w.endswith("es") and not w.endswith(("ses", "zes", "ches", "shes", "ges", "ces")) and count > 1:
        count -= 1
    return max(1, count)


def word_syllables(word: str) -> int:
    if HAN.fullmatch(word):
        return 1
    p = phones(word)
    if p:
        return sum(1 for ph in p.split() if _STRESS.search(ph))
    return guess_syllables(word)


def line_syllables(text: str) -> int:
    """Syllables in a line: CMUdict + fallback for English words, one per Chinese character."""
    return sum(word_syllables(w) for w in TOKEN.findall(text))


# Slant rhymes keep the stressed vowel and the manner of the final consonant (time/line, love/enough).
CONSONANT_CLASS = {
    **dict.fromkeys(("M", "N", "NG"), "+nasal"),
    **dict.fromkeys(("P", "B", "T", "D", "K", "G", "CH", "JH"), "+stop"),
    **dict.fromkeys(("F", "V", "TH", "DH", "S", "Z", "SH", "ZH", "HH"), "+fricative"),
    **dict.fromkeys(("L", "R"), "+liquid"),
}


def english_rhyme_keys(word: str) -> tuple[str, str] | None:
    """(perfect key, near key): the phones from the last stressed vowel, and that vowel alone."""
    p = phones(word)
    if p:
        parts = p.split()
        stressed = [i for i, ph in enumerate(parts) if ph[-1:] in "12"]
        vowels = [i for i, ph in enumerate(parts) if _STRESS.search(ph)]
        if not vowels:
            return None
        start = stressed[-1] if stressed else vowels[-1]
        tail = [_STRESS.sub("", ph) for ph in parts[start:]]
        coda = CONSONANT_CLASS.get(tail[-1], "") if len(tail) > 1 else ""
        return " ".join(tail), tail[0] + coda
    return _spelling_rhyme_keys(word)


def _spelling_rhyme_keys(word: str) -> tuple[str, str] | None:
    w = word.lower().strip("'")
    match = re.search(r"[aeiouy]+[^aeiouy]*e?$", w)
    if not match:
        return None
    tail = match.group(0)
    return "~" + tail, "~" + re.match(r"[aeiouy]+", tail).group(0)


# --------------------------------------------------------------------------- Chinese
# The thirteen rhyme groups (十三辙) used by Chinese lyricists; finals as pypinyin writes them
# with strict=True (ü as v, iou/uei/uen written in full) and strict=False (iu/ui/un).
ZH_RHYME_GROUPS = {
    "a": "发花", "ia": "发花", "ua": "发花",
    "o": "梭波", "e": "梭波", "uo": "梭波",
    "ie": "乜斜", "ve": "乜斜", "ue": "乜斜",
    "i": "一七", "v": "一七", "er": "一七",
    "u": "姑苏",
    "ai": "怀来", "uai": "怀来",
    "ei": "灰堆", "uei": "灰堆", "ui": "灰堆",
    "ao": "遥条", "iao": "遥条",
    "ou": "油求", "iou": "油求", "iu": "油求",
    "an": "言前", "ian": "言前", "uan": "言前", "van": "言前",
    "en": "人辰", "in": "人辰", "uen": "人辰", "un": "人辰", "vn": "人辰",
    "ang": "江阳", "iang": "江阳", "uang": "江阳",
    "eng": "中东", "ing": "中东", "ong": "中东", "iong": "中东", "ueng": "中东",
}


@lru_cache(maxsize=20000)
def pinyin_final(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    finals = lazy_pinyin(char, style=Style.FINALS, strict=True)
    return finals[0] if finals else ""


def chinese_rhyme_keys(char: str) -> tuple[str, str] | None:
    final = pinyin_final(char)
    if not final:
        return None
    group = ZH_RHYME_GROUPS.get(final)
    # Identical finals rhyme perfectly; same rhyme group (辙) is the near rhyme lyricists accept.
    return final, group or final


# --------------------------------------------------------------------------- lines
@dataclass
class RhymeUnit:
    word: str
    perfect: str
    near: str


def end_unit(text: str) -> RhymeUnit | None:
    """The rhyme-bearing unit at the end of a line (last word, or last Chinese character)."""
    tokens = TOKEN.findall(text)
    if not tokens:
        return None
    last = tokens[-1]
    keys = chinese_rhyme_keys(last) if HAN.fullmatch(last) else english_rhyme_keys(last)
    if not keys:
        return None
    return RhymeUnit(last, keys[0], keys[1])


def letters(n: int) -> str:
    """A, B, ... Z, AA, AB ..."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = string.ascii_uppercase[rem] + out
    return out


def assign_rhymes(lines: list[str]) -> list[dict]:
    """Give each line a rhyme letter: a line takes an earlier line's letter on a perfect rhyme,
    else on a near rhyme (same stressed vowel / same 辙), else a new letter.
    Lines with no word get letter '-'. ``kind`` is perfect, near or none (no partner anywhere)."""
    units = [end_unit(t) for t in lines]
    result: list[dict] = []
    perfect_letter: dict[str, str] = {}
    near_letter: dict[str, str] = {}
    used = 0
    for unit in units:
        if unit is None:
            result.append({"letter": "-", "word": "", "key": "", "kind": "none"})
            continue
        kind = "perfect"
        letter = perfect_letter.get(unit.perfect)
        if letter is None:
            letter = near_letter.get(unit.near)
            kind = "near"
        if letter is None:
            letter = letters(used)
            used += 1
            kind = "none"
        perfect_letter.setdefault(unit.perfect, letter)
        near_letter.setdefault(unit.near, letter)
        result.append({"letter": letter, "word": unit.word, "key": unit.perfect, "kind": kind})
    # A line that opens a rhyme group is itself a rhyme if a later line joined it.
    counts: dict[str, int] = {}
    for r in result:
        counts[r["letter"]] = counts.get(r["letter"], 0) + 1
    for r, unit in zip(result, units):
        if r["kind"] == "none" and unit is not None and counts[r["letter"]] > 1:
            partners = [u for u, o in zip(units, result) if o["letter"] == r["letter"] and u is not unit and u]
            r["kind"] = "perfect" if any(p.perfect == unit.perfect for p in partners) else "near"
    return result


def scheme_string(letters_: list[str]) -> str:
    """Re-letter from A within a stanza, e.g. song letters C C D D -> AABB."""
    mapping: dict[str, str] = {}
    out = []
    for letter in letters_:
        if letter == "-":
            out.append("-")
            continue
        if letter not in mapping:
            mapping[letter] = string.ascii_uppercase[len(mapping) % 26]
        out.append(mapping[letter])
    return "".join(out)


STOPWORDS = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "i", "you", "me", "my", "we",
             "it", "is", "be", "so", "do", "oh", "ooh", "yeah", "la", "na", "da", "uh", "ah", "hey"}


def internal_rhymes(text: str) -> list[list[str]]:
    """Groups of words inside a line that rhyme with each other (perfect rhymes, distinct words)."""
    tokens = TOKEN.findall(text)
    groups: dict[str, list[str]] = {}
    han_phrases = [p for p in re.split(r"[\s，。,.!?！？、；;：:]+", text) if HAN.search(p)]
    for token in tokens:
        if HAN.fullmatch(token):
            continue
        if token.lower() in STOPWORDS or len(token) < 3:
            continue
        keys = english_rhyme_keys(token)
        if keys and not keys[0].startswith("~"):
            groups.setdefault(keys[0], [])
            if token.lower() not in (w.lower() for w in groups[keys[0]]):
                groups[keys[0]].append(token)
    for phrase in han_phrases:  # Chinese: the last character of each phrase
        char = HAN.findall(phrase)[-1]
        keys = chinese_rhyme_keys(char)
        if keys:
            groups.setdefault("zh:" + keys[1], [])
            if char not in groups["zh:" + keys[1]]:
                groups["zh:" + keys[1]].append(char)
    return [words for words in groups.values() if len(words) > 1]
