"""Line sentiment in [-1, 1]: VADER for English, a small lexicon with negation for Chinese.

Explanations are occlusion scores: how much the line's score drops when one word is removed.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from .structure import HAN, LATIN

MAX_EXPLAINED_WORDS = 24

# A compact Chinese valence lexicon written for lyrics (values in [-1, 1]; longest match first).
ZH_LEXICON: dict[str, float] = {
    # positive
    "快乐": 0.8, "快樂": 0.8, "幸福": 0.9, "开心": 0.8, "開心": 0.8, "高兴": 0.7, "高興": 0.7, "喜欢": 0.6,
    "喜歡": 0.6, "爱": 0.6, "愛": 0.6, "温柔": 0.6, "溫柔": 0.6, "温暖": 0.7, "溫暖": 0.7, "美丽": 0.6,
    "美麗": 0.6, "美好": 0.7, "希望": 0.6, "阳光": 0.5, "陽光": 0.5, "笑": 0.5, "微笑": 0.6, "甜": 0.5,
    "甜蜜": 0.7, "自由": 0.5, "梦想": 0.5, "夢想": 0.5, "勇敢": 0.5, "光明": 0.5, "拥抱": 0.5, "擁抱": 0.5,
    "陪伴": 0.5, "珍惜": 0.5, "感谢": 0.6, "感謝": 0.6, "安心": 0.5, "平静": 0.4, "平靜": 0.4,
    "灿烂": 0.6, "燦爛": 0.6, "晴天": 0.4, "闪耀": 0.5, "閃耀": 0.5, "天堂": 0.5, "永远": 0.2,
    "永遠": 0.2, "好": 0.3, "美": 0.4, "暖": 0.4, "亮": 0.3, "相爱": 0.7, "相愛": 0.7, "喜悦": 0.8,
    "喜悅": 0.8, "欢笑": 0.7, "歡笑": 0.7, "骄傲": 0.4, "驕傲": 0.4, "成功": 0.6, "胜利": 0.6, "勝利": 0.6,
    # negative
    "悲伤": -0.8, "悲傷": -0.8, "伤心": -0.8, "傷心": -0.8, "难过": -0.7, "難過": -0.7, "痛": -0.6,
    "痛苦": -0.8, "心碎": -0.9, "眼泪": -0.5, "眼淚": -0.5, "泪": -0.5, "淚": -0.5, "哭": -0.6,
    "孤单": -0.6, "孤單": -0.6, "孤独": -0.6, "孤獨": -0.6, "寂寞": -0.6, "离开": -0.4, "離開": -0.4,
    "分手": -0.6, "失去": -0.6, "遗憾": -0.5, "遺憾": -0.5, "后悔": -0.5, "後悔": -0.5, "害怕": -0.6,
    "恐惧": -0.7, "恐懼": -0.7, "怕": -0.4, "恨": -0.7, "愤怒": -0.7, "憤怒": -0.7, "生气": -0.5,
    "生氣": -0.5, "绝望": -0.9, "絕望": -0.9, "黑暗": -0.5, "冷": -0.3, "冰冷": -0.5, "死": -0.7,
    "死亡": -0.8, "伤": -0.5, "傷": -0.5, "累": -0.4, "疲惫": -0.5, "疲憊": -0.5, "苦": -0.5,
    "痛心": -0.8, "失望": -0.6, "可怕": -0.6, "坏": -0.4, "壞": -0.4, "错": -0.3, "錯": -0.3,
    "碎": -0.5, "空虚": -0.6, "空虛": -0.6, "迷茫": -0.4, "忧伤": -0.7, "憂傷": -0.7, "忧郁": -0.6,
    "憂鬱": -0.6, "思念": -0.2, "想念": -0.1, "再见": -0.3, "再見": -0.3, "告别": -0.4, "告別": -0.4,
    "放弃": -0.5, "放棄": -0.5, "背叛": -0.8, "谎言": -0.6, "謊言": -0.6, "流泪": -0.6, "流淚": -0.6,
}
ZH_NEGATORS = ("不", "没", "沒", "别", "別", "无", "無", "未", "莫", "不再", "不会", "不會", "没有", "沒有")
ZH_BOOSTERS = {"很": 1.3, "太": 1.4, "非常": 1.5, "好": 1.2, "最": 1.5, "真": 1.3, "多么": 1.4, "多麼": 1.4}
_ZH_TERMS = sorted(ZH_LEXICON, key=len, reverse=True)


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def english_score(text: str) -> float:
    return float(_vader().polarity_scores(text)["compound"])


def chinese_terms(text: str) -> list[tuple[int, str, float]]:
    """(position, term, valence) for lexicon terms, longest match first, negation and boosters applied."""
    found: list[tuple[int, str, float]] = []
    taken = [False] * len(text)
    for term in _ZH_TERMS:
        start = text.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                value = ZH_LEXICON[term]
                window = text[max(0, start - 3) : start]
                if any(neg in window for neg in ZH_NEGATORS):
                    value = -0.6 * value
                for booster, factor in ZH_BOOSTERS.items():
                    if window.endswith(booster) and booster != term:
                        value *= factor
                        break
                found.append((start, term, max(-1.0, min(1.0, value))))
            start = text.find(term, end)
    return sorted(found)


def chinese_score(text: str) -> float:
    terms = chinese_terms(text)
    if not terms:
        return 0.0
    total = sum(v for _, _, v in terms)
    # Squash like VADER's compound (x / sqrt(x^2 + alpha)) so long lines stay within [-1, 1].
    return float(total / math.sqrt(total * total + 0.5))


def line_sentiment(text: str) -> dict:
    """Score a line; mixed lines weight each script's score by its share of the line."""
    han, latin = len(HAN.findall(text)), len(LATIN.findall(text))
    han_w, latin_w = han * 4, latin
    if han and latin:
        zh, en = chinese_score(text), english_score(_latin_part(text))
        score = (zh * han_w + en * latin_w) / (han_w + latin_w)
        method = "vader+zh-lexicon"
    elif han:
        score, method = chinese_score(text), "zh-lexicon"
    else:
        score, method = english_score(text), "vader"
    return {"score": round(score, 4), "method": method}


def _latin_part(text: str) -> str:
    return " ".join(re.findall(r"[A-Za-z'\u00c0-\u024f!?.,]+", text))


def explain_sentiment(text: str, score: float, method: str) -> list[tuple[str, float]]:
    """Occlusion: score(line) - score(line without the word), largest effects first."""
    out: list[tuple[str, float]] = []
    if "zh" in method:
        for _, term, value in chinese_terms(text):
            out.append((term, round(value, 4)))
    if "vader" in method:
        latin = _latin_part(text) if "zh" in method else text
        words = latin.split()
        lexicon = _vader().lexicon
        candidates = [i for i, w in enumerate(words) if _is_sentiment_word(w, lexicon)][:MAX_EXPLAINED_WORDS]
        base = english_score(latin)
        for i in candidates:
            without = " ".join(words[:i] + words[i + 1 :])
            delta = base - english_score(without)
            if abs(delta) >= 0.01:
                out.append((words[i].strip(".,!?;:\"'()"), round(delta, 4)))
    out.sort(key=lambda kv: -abs(kv[1]))
    return out[:5]


_NEGATIONS = {"not", "no", "never", "nothing", "nobody", "none", "cannot", "can't", "don't", "won't",
              "isn't", "ain't", "without", "nor", "neither", "but"}


def _is_sentiment_word(word: str, lexicon: dict) -> bool:
    clean = word.lower().strip(".,!?;:\"'()")
    return clean in lexicon or clean in _NEGATIONS or (word.isupper() and len(word) > 1) or "!" in word
