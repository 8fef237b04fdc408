"""Sentiment, explanations, keywords, themes, vocabulary and mood on small hand-checked lyrics."""
import numpy as np
import pytest

from perception.lyrics.analysis import mood
from perception.lyrics.analysis.sentiment import chinese_score, explain_sentiment, line_sentiment
from perception.lyrics.analysis.themes import keywords, themes, vocabulary


def test_english_sentiment_sign():
    assert line_sentiment("I love the way you smile at me")["score"] > 0.5
    assert line_sentiment("I hate this empty broken room")["score"] < -0.5
    assert line_sentiment("The bus comes at nine")["score"] == 0
    assert line_sentiment("I love you")["method"] == "vader"


def test_chinese_sentiment_with_negation_and_boosters():
    assert chinese_score("我很快乐") > chinese_score("我快乐") > 0
    assert chinese_score("我不快乐") < 0
    assert chinese_score("眼泪落在心碎的夜") < -0.5
    assert line_sentiment("我很快乐")["method"] == "zh-lexicon"
    assert line_sentiment("我很快乐 so happy")["method"] == "vader+zh-lexicon"


def test_sentiment_explanations_name_the_words():
    words = dict(explain_sentiment("I hate this empty broken room", -0.8, "vader"))
    assert {"hate", "broken"} <= set(words)
    assert all(v < 0 for v in words.values())
    assert explain_sentiment("我不快乐", -0.5, "zh-lexicon")[0][0] == "快乐"


def test_keywords_english_and_chinese():
    text = "Paper boats along the gutter\nPaper boats carry my words\nThe gutter runs to the sea"
    found = [k["text"] for k in keywords(text, "en")]
    assert any("paper boats" in k or "gutter" in k for k in found[:3])
    zh = [k["text"] for k in keywords("纸船漂过了街角\n纸船带走我的话\n街角的灯还亮着", "zh")]
    assert "纸船" in zh


def test_themes_and_vocabulary():
    found = {t["theme"] for t in themes("Under neon city lights at midnight I miss your kiss")}
    assert {"night & city", "love"} <= found
    v = vocabulary("la la la la love".split())
    assert v == {"words": 5, "unique": 2, "ttr": 0.4, "mattr": 0.4}


@pytest.mark.parametrize("scores, sentiment, quadrant", [
    ({"joy": 1.0}, 0.8, "happy"), ({"anger": 1.0}, -0.6, "angry"),
    ({"sadness": 1.0}, -0.7, "sad"), ({"love": 1.0}, 0.6, "relaxed"),
])
def test_line_positions_fall_in_russell_quadrants(scores, sentiment, quadrant):
    assert mood.quadrant(*mood.line_position(scores, sentiment)) == quadrant


def test_song_mood_confidence_grows_with_agreement():
    sad = [mood.line_position({"sadness": 0.9, "fear": 0.1}, -0.6)] * 8
    mixed = sad[:4] + [mood.line_position({"joy": 1.0}, 0.7)] * 3
    agree, split = mood.song_mood(sad, None), mood.song_mood(mixed, None)
    assert agree["quadrant"] == "sad"
    assert agree["confidence"] > split["confidence"]
    assert mood.song_mood([], None)["quadrant"] == "unknown"


def test_calibration_fits_on_pseudo_songs():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 6, 600)
    scores = np.full((600, 6), 0.02)
    scores[np.arange(600), gold] = 0.9
    result = mood.calibrate(scores, np.zeros(600), gold, songs=200)
    assert result["quadrant_accuracy"] > 0.8
    assert result["ece_calibrated"] <= result["ece_raw"] + 0.02
