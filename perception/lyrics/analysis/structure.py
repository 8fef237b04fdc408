"""Reading a lyric: input checks, LRC tags, section markers, stanzas, repeats, language."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from motif.uploads import UploadRejected, check_text, decode_text


# --------------------------------------------------------------------------- decoding
def decode_lyrics(raw: bytes | str) -> str:
    """Bytes or text in, clean text out, by the site's one upload policy (UTF-8 or BOM-marked UTF-16,
    nothing guessed); raises :class:`motif.uploads.UploadRejected` with a sentence for the musician.
    Size and line limits are the intake's job (``clean_text``/``read_text``); this reads no settings."""
    text = check_text(raw) if isinstance(raw, str) else decode_text(raw)
    if not text.strip():
        raise UploadRejected("empty_text")
    return text


# --------------------------------------------------------------------------- language
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def script_counts(text: str) -> tuple[int, int]:
    return len(HAN.findall(text)), len(LATIN.findall(text))


def detect_language(text: str) -> str:
    """'en', 'zh', 'mixed' (both scripts carry at least a fifth) or 'unknown' (no letters)."""
    han, latin = script_counts(text)
    # A Chinese character carries about as much as a short English word (~4 letters).
    han_weight, latin_weight = han * 4, latin
    total = han_weight + latin_weight
    if total == 0:
        return "unknown"
    if han_weight / total >= 0.8:
        return "zh"
    if latin_weight / total >= 0.8:
        return "en"
    return "mixed"


# --------------------------------------------------------------------------- sections
LRC_TIME = re.compile(r"[\[<]\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?[\]>]")
LRC_META = re.compile(r"^\s*\[(?:ar|ti|al|au|by|offset|length|re|ve|la|id|#)\s*:[^\]]*\]\s*$", re.IGNORECASE)

SECTION_WORDS = {
    "intro": "intro", "verse": "verse", "pre-chorus": "pre-chorus", "prechorus": "pre-chorus",
    "pre chorus": "pre-chorus", "chorus": "chorus", "refrain": "chorus", "hook": "chorus",
    "post-chorus": "post-chorus", "bridge": "bridge", "middle 8": "bridge", "breakdown": "bridge",
    "interlude": "interlude", "instrumental": "interlude", "solo": "interlude", "outro": "outro",
    "coda": "outro", "rap": "verse", "tag": "outro",
    "前奏": "intro", "主歌": "verse", "预副歌": "pre-chorus", "導歌": "pre-chorus", "导歌": "pre-chorus",
    "副歌": "chorus", "合唱": "chorus", "间奏": "interlude", "間奏": "interlude", "桥段": "bridge",
    "橋段": "bridge", "过渡": "bridge", "尾声": "outro", "尾聲": "outro", "结尾": "outro", "說唱": "verse",
    "说唱": "verse", "段落": "verse",
}
_WORDS = "|".join(sorted((re.escape(w) for w in SECTION_WORDS), key=len, reverse=True))
# [Chorus], [Verse 2: Name], (Chorus x2), Chorus:, 【副歌】, 副歌：, 主歌一, Verse 1
SECTION_LINE = re.compile(
    rf"^\s*(?:[\[\(【（{{]\s*)?(?P<word>{_WORDS})\s*(?P<num>[0-9一二三四五六七八九十]*)"
    rf"\s*(?:[xX×]\s*\d+)?\s*(?::|：)?\s*(?P<rest>[^\]\)】）}}]*)(?:[\]\)】）}}])?\s*[:：]?\s*$",
    re.IGNORECASE,
)
BRACKETED = re.compile(r"^\s*[\[【]\s*([^\]】]{1,40})\s*[\]】]\s*$")


def parse_section_marker(line: str) -> tuple[str, str] | None:
    """(kind, display name) if the line is a section marker such as '[Chorus]' or '副歌：'."""
    match = SECTION_LINE.match(line)
    if match:
        rest = match.group("rest").strip()
        # "Chorus of angels singing" is a lyric line, not a marker; a short tag after ':' is fine.
        bracketed = line.strip()[:1] in "[(【（{"
        if rest and not bracketed and (not re.search(r"[:：]", line) or len(rest.split()) > 3):
            return None
        kind = SECTION_WORDS[match.group("word").lower()] if match.group("word").lower() in SECTION_WORDS \
            else SECTION_WORDS.get(match.group("word"), "verse")
        name = line.strip().strip("[]()【】（）{}:： ")
        return kind, name
    bracket = BRACKETED.match(line)
    if bracket:  # any other [Tag] line is a marker the writer made up
        return "other", bracket.group(1).strip()
    return None


def strip_lrc(line: str) -> str:
    if LRC_META.match(line):
        return ""
    return LRC_TIME.sub("", line).strip()


@dataclass
class Line:
    index: int
    text: str
    stanza: int
    section: int


@dataclass
class Section:
    index: int
    kind: str
    name: str
    lines: list[int] = field(default_factory=list)


@dataclass
class Structure:
    lines: list[Line]
    sections: list[Section]
    stanzas: int
    had_lrc_tags: bool


def parse_structure(text: str) -> Structure:
    """Split into lines, stanzas (blank-line separated) and sections (markers or stanzas)."""
    lines: list[Line] = []
    sections: list[Section] = []
    had_lrc = bool(LRC_TIME.search(text)) or any(LRC_META.match(r) for r in text.split("\n"))
    stanza = 0
    new_stanza = True
    pending: tuple[str, str] | None = None
    for raw in text.split("\n"):
        line = strip_lrc(raw) if had_lrc else raw.strip()
        if not line:
            new_stanza = True
            continue
        marker = parse_section_marker(line)
        if marker:
            pending = marker
            new_stanza = True
            continue
        if new_stanza:  # every stanza is a section, named by the marker before it if any
            stanza += 1
            new_stanza = False
            kind, name = pending or ("stanza", "")
            sections.append(Section(len(sections), kind, name))
            pending = None
        lines.append(Line(len(lines), line, stanza, sections[-1].index))
        sections[-1].lines.append(len(lines) - 1)
    for number, section in enumerate((s for s in sections if s.kind == "stanza"), start=1):
        section.name = f"Stanza {number}"
    return Structure(lines, sections, stanza, had_lrc)


# --------------------------------------------------------------------------- repeats
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def normalise_line(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def find_repeats(lines: list[str]) -> tuple[dict[str, int], str | None]:
    """Lines that occur more than once (normalised) and the hook: the most repeated line."""
    counts = Counter(normalise_line(t) for t in lines if normalise_line(t))
    repeated = {k: v for k, v in counts.items() if v > 1}
    hook = None
    if repeated:
        best = max(repeated.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
        hook = next(t for t in lines if normalise_line(t) == best)
    return repeated, hook
