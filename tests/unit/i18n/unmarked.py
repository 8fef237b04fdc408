"""Find user-visible text in templates and scripts that is not marked for translation.

Templates: text between tags and the values of text-bearing attributes, after removing
template tags, variables, comments and translated blocks. Scripts: string literals written
to the page (``textContent = "..."``, ``text: "..."``, ``alert("...")``), after removing
``${...}`` interpolations. Words a musician reads the same in every language (file formats,
the site's name) are allowed.
"""
import html
import re

LANGUAGE_NEUTRAL = {"Motif", "MIDI", "MusicXML", "WAV", "OGG", "JSON", "API", "BPM", "ABC", "LRC", "PNG", "JPG",
                    "MATTR", "Ctrl", "Shift"}
WORD = re.compile(r"[A-Za-z]{2,}")

_TEMPLATE_REMOVALS = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*block\s+page\s*%}\w*{%\s*endblock\s*%}"),  # a page's name for scripts and styles
    re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S | re.I),
    re.compile(r"<svg\b[^>]*>.*?</svg>", re.S | re.I),
]
_TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_HTML_TAG = re.compile(r"<[^>]*>", re.S)
_TEXT_ATTRIBUTE = re.compile(r"""\s(?:title|alt|aria-label|placeholder|aria-description)\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_SVG_TEXT = re.compile(r"<(title|desc|text)\b[^>]*>(.*?)</\1>", re.S | re.I)


def _words(text):
    return [w for w in WORD.findall(html.unescape(text)) if w not in LANGUAGE_NEUTRAL]


def unmarked_in_template(source):
    """Pieces of visible template text that are not translated."""
    found = []
    for removal in _TEMPLATE_REMOVALS[:4]:
        source = removal.sub(" ", source)
    for _tag, inner in _SVG_TEXT.findall(source):
        found += [inner.strip()] if _words(_TAG_OR_VARIABLE.sub(" ", inner)) else []
    for removal in _TEMPLATE_REMOVALS[4:]:
        source = removal.sub(" ", source)
    for _quote, value in _TEXT_ATTRIBUTE.findall(source):
        if _words(_TAG_OR_VARIABLE.sub(" ", value)):
            found.append(value.strip())
    text = _HTML_TAG.sub("\n", _TAG_OR_VARIABLE.sub(" ", source))
    found += [line.strip() for line in text.splitlines() if _words(line)]
    return found


_JS_SINK = re.compile(
    r"""(?:\.(?:textContent|innerText|title|placeholder|ariaLabel)\s*=\s*"""
    r"""|\b(?:text|title|label|placeholder|"aria-label")\s*:\s*"""
    r"""|\b(?:alert|confirm|prompt)\(\s*)"""
    r"""(["'`])((?:\\.|(?!\1).)*)\1""", re.S)
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


def unmarked_in_script(source):
    """String literals a script shows to people without passing them through gettext."""
    return [literal for _quote, literal in _JS_SINK.findall(source)
            if _words(_INTERPOLATION.sub(" ", literal))]
