"""Emotion for Chinese lines: the MiniLM encoder is English-only, so Chinese text is scored with an
emotion lexicon written for lyrics (simplified and traditional forms), negation-aware.

Each cue adds to its label's logit (more after an intensifier: 很, 非常, 太 ...). A negated cue
(不怕, 没有爱, 别哭, 无悔) does not count for its label: most of its weight goes to the opposite
emotion (fear -> joy, sadness -> joy, joy -> sadness, love -> sadness, anger -> love), as in
``cues.apply_negation``. "love" also stands for tender calm (平静, 安心, 温暖): in the six labels it is
the pleasant, quiet corner of the circumplex. Lines with no cue lean on the sentiment sign; lines with
neither are even. Why no model: see docs/lyrics.md (no small Chinese emotion model installs from
PyPI and loads offline without pickles).
"""
from __future__ import annotations

import math

from .cues import NEGATED_SHARE, OPPOSITE, ZH_INTENSIFIERS, zh_negated
from .emotion import LABELS

CUE_WEIGHT = 1.5
INTENSIFIED = 1.5

ZH_EMOTION_CUES: dict[str, tuple[str, ...]] = {
    "sadness": ("泪", "淚", "哭", "伤心", "傷心", "难过", "難過", "孤单", "孤單", "寂寞", "悲伤", "悲傷", "心碎",
                "遗憾", "遺憾", "失去", "离开", "離開", "忧伤", "憂傷", "再见", "再見", "分手", "告别", "告別",
                "空虚", "空虛", "痛", "心酸", "失落", "落寞", "凄凉", "淒涼", "孤独", "孤獨", "惆怅", "惆悵",
                "哀", "叹", "嘆", "怀念", "懷念", "想念", "思念", "回不去", "不在了", "走了", "散了", "错过", "錯過",
                "后悔", "後悔", "心疼", "憔悴", "枯萎", "凋零", "苦", "失眠", "冷清", "空荡", "空蕩", "忘不了",
                "放不下", "舍不得", "捨不得", "绝望", "絕望", "悲", "愁", "伤", "傷", "碎"),
    "joy": ("快乐", "快樂", "开心", "開心", "笑", "幸福", "高兴", "高興", "阳光", "陽光", "欢", "歡", "灿烂",
            "燦爛", "自由", "跳舞", "喜悦", "喜悅", "兴奋", "興奮", "庆祝", "慶祝", "干杯", "乾杯", "得意", "痛快",
            "美好", "精彩", "闪亮", "閃亮", "骄傲", "驕傲", "勇敢", "希望", "梦想", "夢想", "胜利", "勝利", "成功",
            "明天会更好", "加油", "飞翔", "飛翔", "耶", "哈哈", "好运", "好運", "晴天", "无悔", "無悔", "乐", "樂"),
    "love": ("爱", "愛", "吻", "拥抱", "擁抱", "温柔", "溫柔", "亲爱", "親愛", "喜欢", "喜歡", "陪伴", "心动",
             "心動", "甜蜜", "牵手", "牽手", "想你", "思念你", "宝贝", "寶貝", "恋", "戀", "情人", "在一起",
             "守护", "守護", "珍惜", "相守", "白头", "白頭", "一辈子", "一輩子", "温暖", "溫暖", "安心", "平静",
             "平靜", "安静", "安靜", "放松", "放鬆", "悠闲", "悠閒", "宁静", "寧靜", "感谢", "感謝", "感恩", "陪着",
             "陪著", "依偎", "轻轻", "輕輕"),
    "anger": ("恨", "愤怒", "憤怒", "生气", "生氣", "怒", "骂", "罵", "滚", "滾", "烦", "煩", "背叛", "谎言",
              "謊言", "受够", "受夠", "可恶", "可惡", "讨厌", "討厭", "去死", "混蛋", "凭什么", "憑什麼", "欺骗",
              "欺騙", "虚伪", "虛偽", "报复", "報復", "反抗", "吼", "咆哮", "火大", "气死", "氣死", "凶", "仇",
              "恶心", "噁心", "不公平", "战斗", "戰鬥", "打碎", "砸", "闭嘴", "閉嘴", "够了", "夠了"),
    "fear": ("怕", "害怕", "恐惧", "恐懼", "黑暗", "颤抖", "顫抖", "不安", "慌", "噩梦", "噩夢", "惡夢", "危险",
             "危險", "惊恐", "驚恐", "胆小", "膽小", "逃", "躲", "追我", "救命", "救救我", "发抖", "發抖", "紧张",
             "緊張", "焦虑", "焦慮", "担心", "擔心", "恐怖", "鬼", "迷路", "窒息", "吓", "嚇", "战栗", "戰慄",
             "无助", "無助", "惶恐", "心慌", "不敢"),
    "surprise": ("突然", "竟然", "居然", "惊", "驚", "意外", "原来", "原來", "没想到", "沒想到", "不敢相信",
                 "怎么会", "怎麼會", "天哪", "天啊", "哇", "不可思议", "不可思議", "忽然", "想不到", "惊喜", "驚喜"),
}
# Longest cue first, so 害怕 wins over 怕, 思念你 over 思念 and 不安 is read as one word.
_CUES = sorted(((cue, label) for label, words in ZH_EMOTION_CUES.items() for cue in words),
               key=lambda cl: -len(cl[0]))


def _matches(text: str) -> list[tuple[int, str, str]]:
    """(position, cue, label), longest cue first, each character used by one cue at most."""
    taken = [False] * len(text)
    found = []
    for cue, label in _CUES:
        start = text.find(cue)
        while start != -1:
            end = start + len(cue)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(cue)
                found.append((start, cue, label))
            start = text.find(cue, end)
    return sorted(found)


def chinese_emotion(text: str, sentiment: float) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """(scores over LABELS, cue words with their weight; a negated cue is shown with a minus sign)."""
    logits = {label: 0.0 for label in LABELS}
    cues: list[tuple[str, float]] = []
    previous_end = 0
    for start, cue, label in _matches(text):
        earliest, previous_end = previous_end, start + len(cue)
        weight = CUE_WEIGHT
        before = text[max(0, start - 2) : start]
        if any(before.endswith(term) for term in ZH_INTENSIFIERS):
            weight *= INTENSIFIED
        if zh_negated(text, start, earliest) and not cue.startswith(("不", "没", "沒", "无", "無")):
            target = OPPOSITE.get(label)
            if target:
                logits[target] += weight * NEGATED_SHARE
            cues.append((cue, -weight))
            continue
        logits[label] += weight
        cues.append((cue, weight))
    if not any(w > 0 for _, w in cues) and not any(logits.values()):  # no cue: lean on the sentiment sign
        logits["joy"] += max(0.0, sentiment) * CUE_WEIGHT
        logits["sadness"] += max(0.0, -sentiment) * CUE_WEIGHT
    top = max(logits.values())
    exp = {k: math.exp(v - top) for k, v in logits.items()}
    total = sum(exp.values())
    return {k: round(v / total, 4) for k, v in exp.items()}, [(w, v) for w, v in cues if v > 0]
