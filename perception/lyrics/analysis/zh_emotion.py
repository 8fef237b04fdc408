"""Emotion for Chinese lines: the MiniLM encoder is English-only, so Chinese text is scored with a
small emotion lexicon written for lyrics (cue counts -> softmax), backed off to the sentiment sign."""
from __future__ import annotations

import math

from .emotion import LABELS

ZH_EMOTION_CUES: dict[str, tuple[str, ...]] = {
    "sadness": ("泪", "淚", "哭", "伤心", "傷心", "难过", "難過", "孤单", "孤單", "寂寞", "悲伤", "悲傷", "心碎",
                "遗憾", "遺憾", "失去", "离开", "離開", "思念", "忧伤", "憂傷", "再见", "再見", "分手", "告别",
                "告別", "空虚", "空虛", "痛"),
    "joy": ("快乐", "快樂", "开心", "開心", "笑", "幸福", "高兴", "高興", "阳光", "陽光", "欢", "歡", "灿烂",
            "燦爛", "自由", "跳舞", "喜悦", "喜悅"),
    "love": ("爱", "愛", "吻", "拥抱", "擁抱", "温柔", "溫柔", "亲爱", "親愛", "喜欢", "喜歡", "陪伴", "心动",
             "心動", "甜蜜", "牵手", "牽手", "想你", "思念你"),
    "anger": ("恨", "愤怒", "憤怒", "生气", "生氣", "怒", "骂", "罵", "滚", "滾", "烦", "煩", "背叛", "谎言",
              "謊言", "受够", "受夠"),
    "fear": ("怕", "害怕", "恐惧", "恐懼", "黑暗", "颤抖", "顫抖", "不安", "慌", "噩梦", "噩夢", "惡夢", "危险",
             "危險"),
    "surprise": ("突然", "竟然", "居然", "惊", "驚", "意外", "原来", "原來", "没想到", "沒想到", "不敢相信"),
}


def chinese_emotion(text: str, sentiment: float) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """(scores over LABELS, cue words with their weight)."""
    logits = {label: 0.0 for label in LABELS}
    cues: list[tuple[str, float]] = []
    for label, words in ZH_EMOTION_CUES.items():
        for word in words:
            count = text.count(word)
            if count:
                logits[label] += 1.5 * count
                cues.append((word, 1.5 * count))
    if not cues:  # no cue: lean on the sentiment sign
        logits["joy"] += max(0.0, sentiment) * 1.5
        logits["sadness"] += max(0.0, -sentiment) * 1.5
    top = max(logits.values())
    exp = {k: math.exp(v - top) for k, v in logits.items()}
    total = sum(exp.values())
    return {k: round(v / total, 4) for k, v in exp.items()}, cues
