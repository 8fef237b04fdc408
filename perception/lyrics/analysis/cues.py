"""Word cues the models do not see well: negation, intensifiers and arousal, in English and Chinese.

* Negation: "I'm not afraid", 我不怕 — a negated emotion word moves most of that emotion's score to
  its opposite (fear -> joy, joy -> sadness, ...), because the MiniLM classifier (trained on tweets)
  and the cue lexicon read the word and miss the "not".
* Intensifiers ("so", "very", 很, 非常, 太 ...) and arousal words ("dance", "scream", "slow",
  "quiet", 跳舞, 吼, 慢慢, 安静 ...) give the song-level model its energy evidence, the axis the
  emotion labels say least about.

The word lists are general (written from Russell's circumplex and common lyric vocabulary), not
mined from the labelled songs. Plain Python; no Django.
"""
from __future__ import annotations

import re

EN_NEGATORS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "without",
                         "cannot", "ain't", "dont", "cant", "wont", "aint"})
EN_NEGATION_WINDOW = 3
ZH_NEGATORS = ("不再", "不会", "不會", "没有", "沒有", "不", "没", "沒", "别", "別", "无", "無", "非", "未", "莫")

EN_INTENSIFIERS = frozenset({"very", "so", "really", "too", "totally", "completely", "extremely", "such",
                             "absolutely", "truly", "deeply", "forever", "always"})
ZH_INTENSIFIERS = ("非常", "特别", "特別", "十分", "极了", "極了", "多么", "多麼", "超级", "超級", "很", "太", "最",
                   "真", "超", "好")

# English emotion words, to find the one a negation turns round.
EN_EMOTION_WORDS: dict[str, frozenset[str]] = {
    "fear": frozenset({"afraid", "scared", "fear", "frightened", "terrified", "worried", "anxious", "nervous",
                       "panic", "scary", "fearful"}),
    "sadness": frozenset({"sad", "cry", "crying", "tears", "lonely", "alone", "blue", "hurt", "broken", "miss",
                          "sorrow", "unhappy", "grieve", "weep"}),
    "anger": frozenset({"angry", "mad", "hate", "furious", "rage", "bitter", "fight", "resent"}),
    "joy": frozenset({"happy", "glad", "joy", "fun", "smile", "laugh", "cheerful", "excited", "fine", "good",
                      "okay", "ok"}),
    "love": frozenset({"love", "care", "adore", "need", "want", "cherish", "trust"}),
    "surprise": frozenset({"surprised", "shocked", "amazed"}),
}
# Where a negated emotion's score goes ("not afraid" reads brave, "not happy" reads sad).
OPPOSITE = {"fear": "joy", "sadness": "joy", "anger": "love", "joy": "sadness", "love": "sadness",
            "surprise": None}
NEGATED_SHARE = 0.7

EN_HIGH_AROUSAL = frozenset("""
dance dancing danced jump jumping run running ran race racing rush rushing fly flying fight fighting fire
burn burning blaze explode exploding scream screaming shout shouting yell yelling roar loud louder wild
crazy party celebrate rage fury furious war riot thunder storm hurricane electric shake shaking smash
slam kick punch pounding pound racing panic excited exciting thrill alive rocket faster fast
alarm sirens siren bang boom shine shining bright fireworks chase chasing rebel revolution
""".split())
EN_LOW_AROUSAL = frozenset("""
slow slowly quiet quietly soft softly gentle gently calm calmly still stillness sleep sleeping asleep
rest resting breathe breathing lazy drift drifting peace peaceful silent silence tired weary hush lullaby
float floating easy tender numb empty fade fading faded sway swaying dream dreaming whisper whispering
cozy warm linger lingering cold grey gray heavy sigh alone lonely bare mellow serene rain
""".split())
ZH_HIGH_AROUSAL = ("怒火", "跳舞", "狂欢", "狂歡", "疯狂", "瘋狂", "燃烧", "燃燒", "爆炸", "战斗", "戰鬥", "兴奋", "興奮",
                   "激动", "激動", "尖叫", "颤抖", "顫抖", "心跳", "冲", "衝", "闯", "闖", "跑", "跳", "喊",
                   "吼", "火", "飞", "飛", "怒", "炸", "快")
ZH_LOW_AROUSAL = ("慢慢", "安静", "安靜", "平静", "平靜", "轻轻", "輕輕", "温柔", "溫柔", "安心", "放松", "放鬆",
                  "悠闲", "悠閒", "淡淡", "缓缓", "緩緩", "默默", "寂寞", "孤单", "孤單", "疲惫", "疲憊",
                  "睡", "梦", "夢", "累", "静", "靜", "轻", "輕", "慢", "雨", "空")

_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def english_words(text: str) -> list[str]:
    return _EN_WORD.findall(text.lower())


def _is_negator(word: str) -> bool:
    return word in EN_NEGATORS or word.endswith("n't")


# Between a negator and the word these undo the negation: "never so happy", "nothing but love",
# "can't stop crying", "can't help loving you".
EN_NEGATION_BREAKERS = frozenset({"so", "this", "but", "stop", "help", "quit"})


def _negates(words: list[str], i: int) -> bool:
    """Whether a negator stands within the window before ``words[i]`` with no breaker between."""
    for j in range(max(0, i - EN_NEGATION_WINDOW), i):
        if _is_negator(words[j]) and not EN_NEGATION_BREAKERS & set(words[j + 1 : i]):
            return True
    return False


def negated_labels(text: str) -> set[str]:
    """Emotion labels whose English word in the line is negated ("I'm not afraid" -> {"fear"}).
    Chinese cue words are negated inside the Chinese lexicon (``zh_emotion``) with :func:`zh_negated`."""
    found: set[str] = set()
    words = english_words(text)
    for i, word in enumerate(words):
        label = next((lab for lab, vocab in EN_EMOTION_WORDS.items() if word in vocab), None)
        if label and _negates(words, i):
            found.add(label)
    return found


ZH_NEGATION_FILLERS = ("那么", "那麼", "这么", "這麼", "是", "很", "太", "再", "会", "會", "能", "要", "想", "够",
                       "夠", "那", "这", "這", "么", "麼", "了", "的", "有")


def zh_negated(text: str, start: int, earliest: int = 0) -> bool:
    """Whether a negator stands just before ``text[start]``: 不怕, 没有爱, 我没有那么快乐, 不是很开心 (only
    degree and helper words between), never reaching before ``earliest`` (the end of the previous cue:
    in 别哭了明天会更好 the 别 belongs to 哭)."""
    window = text[max(0, earliest, start - 6) : start]
    for negator in ZH_NEGATORS:
        at = window.rfind(negator)
        if at == -1:
            continue
        between = window[at + len(negator) :]
        while between:
            filler = next((f for f in ZH_NEGATION_FILLERS if between.startswith(f)), None)
            if filler is None:
                break
            between = between[len(filler) :]
        if not between:
            return True
    return False


def apply_negation(scores: dict[str, float], labels: set[str]) -> dict[str, float]:
    """Move most of each negated emotion's score to its opposite; the scores still sum to one."""
    out = dict(scores)
    for label in labels:
        moved = out[label] * NEGATED_SHARE
        out[label] -= moved
        target = OPPOSITE.get(label)
        if target and target not in labels:
            out[target] += moved
        else:  # no opposite: share it among the other labels
            others = [k for k in out if k != label]
            for k in others:
                out[k] += moved / len(others)
    return {k: round(v, 4) for k, v in out.items()}


def intensity(text: str) -> float:
    """Energy marks of a line in [0, 1]: intensifiers, '!', a word said twice in a row, shouting in capitals."""
    words = english_words(text)
    marks = sum(1 for w in words if w in EN_INTENSIFIERS)
    marks += sum(1 for term in ZH_INTENSIFIERS if term in text)
    marks += min(2, text.count("!"))
    marks += sum(1 for a, b in zip(words, words[1:]) if a == b)
    marks += sum(1 for w in re.findall(r"\b[A-Z]{3,}\b", text))
    return min(1.0, marks / 2)


def arousal_cues(text: str) -> tuple[float, list[str]]:
    """(high minus low arousal words, squashed to [-1, 1]; the words found)."""
    words = english_words(text)
    high = [w for w in words if w in EN_HIGH_AROUSAL] + zh_terms(text, ZH_HIGH_AROUSAL)
    low = [w for w in words if w in EN_LOW_AROUSAL] + zh_terms(text, ZH_LOW_AROUSAL)
    score = len(high) - len(low)
    return max(-1.0, min(1.0, score / 2)), high + low


def zh_terms(text: str, terms: tuple[str, ...]) -> list[str]:
    """Chinese terms in the text: longer ones anywhere, a single character only as a word of its own
    (火 in 怒火 or 火 alone, not in 火车; 梦 alone, not in 梦想)."""
    if not any("\u3400" <= ch <= "\u9fff" for ch in text):
        return []
    import jieba

    jieba.setLogLevel(60)
    words = set(jieba.lcut(text))
    return [t for t in terms if (t in text if len(t) > 1 else t in words)]
