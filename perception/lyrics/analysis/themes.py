"""Keywords (YAKE for English, jieba TF-IDF for Chinese), themes and vocabulary richness."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .structure import HAN

KEYWORDS = 10

# Theme -> cue words (English stems and Chinese words). A theme is reported when its cues occur.
THEMES: dict[str, tuple[str, ...]] = {
    "love": ("love", "lover", "heart", "kiss", "darling", "baby", "hold", "embrace", "爱", "愛", "吻", "心", "亲爱"),
    "heartbreak": ("goodbye", "leave", "left", "gone", "broken", "tears", "cry", "lost", "without", "alone",
                   "分手", "离开", "離開", "眼泪", "眼淚", "心碎", "再见", "再見", "孤单", "孤單"),
    "night & city": ("night", "city", "street", "lights", "neon", "midnight", "moon", "stars", "夜", "城市",
                     "街", "灯", "燈", "月", "星"),
    "nature": ("sea", "ocean", "river", "rain", "sun", "sky", "wind", "tree", "mountain", "snow", "flower",
               "海", "河", "雨", "风", "風", "山", "雪", "花", "天空", "太阳", "太陽"),
    "time & memory": ("remember", "memory", "memories", "yesterday", "time", "years", "forever", "past",
                      "young", "回忆", "回憶", "时间", "時間", "从前", "從前", "昨天", "永远", "永遠"),
    "freedom & travel": ("free", "freedom", "road", "run", "fly", "away", "highway", "wings", "journey",
                         "自由", "飞", "飛", "路", "远方", "遠方", "旅"),
    "hope": ("hope", "dream", "dreams", "light", "rise", "believe", "tomorrow", "希望", "梦", "夢", "明天", "光"),
    "anger & conflict": ("fight", "war", "hate", "fire", "burn", "blood", "enemy", "scream", "恨", "战", "戰", "火"),
    "fear": ("afraid", "fear", "scared", "dark", "shadow", "ghost", "haunt", "害怕", "恐惧", "恐懼", "黑暗"),
    "home & family": ("home", "mother", "father", "mama", "daddy", "family", "house", "家", "妈妈", "媽媽", "爸爸"),
    "party & dance": ("dance", "party", "drink", "club", "music", "sing", "tonight", "跳舞", "唱", "派对", "派對"),
    "faith": ("god", "heaven", "pray", "soul", "angel", "grace", "lord", "天堂", "上帝", "灵魂", "靈魂"),
}

_EN_WORD = re.compile(r"[a-z']+")


@lru_cache(maxsize=1)
def _yake():
    import yake

    return yake.KeywordExtractor(lan="en", n=2, dedupLim=0.7, top=KEYWORDS)


def _jieba():
    import jieba
    import jieba.analyse

    jieba.setLogLevel(60)
    return jieba


def keywords(text: str, language: str) -> list[dict]:
    """Top keywords; YAKE scores are 'lower is better', so they are turned into 0-1 weights."""
    out: list[dict] = []
    # One sentence per line, so YAKE does not join words across line breaks.
    latin = ".\n".join(" ".join(_EN_WORD.findall(line.lower())) for line in text.split("\n"))
    if language in ("en", "mixed") and latin.strip(".\n "):
        found = _yake().extract_keywords(latin[:20000])
        for phrase, score in found:
            out.append({"text": phrase, "score": round(1.0 / (1.0 + float(score) * 10), 4), "method": "yake"})
    if language in ("zh", "mixed") and HAN.search(text):
        jieba = _jieba()
        for word, weight in jieba.analyse.extract_tags(text[:20000], topK=KEYWORDS, withWeight=True):
            if HAN.search(word):
                out.append({"text": word, "score": round(min(1.0, float(weight) / 3.0), 4), "method": "jieba-tfidf"})
    out.sort(key=lambda k: -k["score"])
    return out[:KEYWORDS]


def tokens(text: str) -> list[str]:
    """Words for counting: lower-cased English words and jieba words for Chinese."""
    words = _EN_WORD.findall(text.lower())
    if HAN.search(text):
        jieba = _jieba()
        words += [w for w in jieba.lcut(text) if HAN.search(w)]
    return words


def themes(text: str, limit: int = 4) -> list[dict]:
    lowered = text.lower()
    words = set(_EN_WORD.findall(lowered))
    found = []
    for theme, cues in THEMES.items():
        hits = sorted({c for c in cues if (c in words if c.isascii() else c in text)})
        if hits:
            found.append({"theme": theme, "score": len(hits), "cues": hits[:6]})
    found.sort(key=lambda t: -t["score"])
    return found[:limit]


def vocabulary(words: list[str], window: int = 50) -> dict:
    """Type-token ratio and the moving-average TTR (MATTR), which does not fall with song length."""
    n = len(words)
    if n == 0:
        return {"words": 0, "unique": 0, "ttr": 0.0, "mattr": 0.0}
    unique = len(set(words))
    if n <= window:
        mattr = unique / n
    else:
        counts = Counter(words[:window])
        total = len(counts)
        for i in range(window, n):  # slide the window one word at a time
            counts[words[i]] += 1
            counts[words[i - window]] -= 1
            if counts[words[i - window]] == 0:
                del counts[words[i - window]]
            total += len(counts)
        mattr = total / ((n - window + 1) * window)
    return {"words": n, "unique": unique, "ttr": round(unique / n, 4), "mattr": round(mattr, 4)}
