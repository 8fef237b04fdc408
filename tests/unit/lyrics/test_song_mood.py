"""Song mood (issue 17): negation and intensifiers in English and Chinese, the calibrated song model,
honest "mixed"/"unclear" verdicts and the explanation naming the deciding lines."""
import numpy as np
import pytest

from perception.lyrics.analysis import cues, song_mood
from perception.lyrics.analysis.zh_emotion import chinese_emotion
from perception.lyrics.views import mood_explanation

NEUTRAL = [
    "[Verse]\nThe bus comes at nine\nThe door is painted green\nThe shop is on the corner\n\n[Chorus]\n"
    "Monday, Tuesday, Wednesday\nThe kettle is on the stove",
    "The table has four legs\nThe window faces east\nThe letter came on Thursday",
    "公交车九点到站\n门是绿色的\n商店在街角\n火车开往城里",
    "Number one\nNumber two\nNumber three",
]
CALM_RAIN_NIGHT = "[主歌]\n夜里的雨轻轻地下\n窗外的灯一盏一盏\n我泡一壶茶慢慢喝\n听雨声陪我到天亮"


@pytest.mark.parametrize("text, label", [
    ("I'm not afraid anymore", "fear"), ("I don't love you", "love"), ("I am not happy", "joy"),
    ("no more tears", "sadness"),
])
def test_english_negation_finds_the_negated_emotion(text, label):
    assert cues.negated_labels(text) == {label}


@pytest.mark.parametrize("text", ["I never felt so happy", "I can't stop crying", "nothing but love", "I am afraid"])
def test_english_phrases_that_do_not_negate(text):
    assert cues.negated_labels(text) == set()


def test_negation_moves_the_score_to_the_opposite():
    scores = {"sadness": 0.0, "joy": 0.02, "love": 0.0, "anger": 0.0, "fear": 0.98, "surprise": 0.0}
    moved = cues.apply_negation(scores, {"fear"})
    assert max(moved, key=moved.get) == "joy" and sum(moved.values()) == pytest.approx(1, abs=1e-3)


@pytest.mark.parametrize("text, not_label", [
    ("我不怕黑夜有多长", "fear"), ("别哭了明天会更好", "sadness"), ("我没有那么快乐", "joy"), ("無悔的青春", "sadness"),
])
def test_chinese_negation(text, not_label):
    scores, _ = chinese_emotion(text, 0.0)
    assert max(scores, key=scores.get) != not_label


def test_intensifiers_raise_the_emotion_and_the_energy():
    assert chinese_emotion("我非常害怕", 0.0)[0]["fear"] > chinese_emotion("我害怕", 0.0)[0]["fear"]
    assert cues.intensity("I'm so so happy!") > cues.intensity("I'm happy") == 0
    assert cues.intensity("我太开心了") > 0


def test_arousal_cues_and_chinese_words_in_compounds():
    assert cues.arousal_cues("we dance and scream all night")[0] > 0 > cues.arousal_cues("slow and quiet")[0]
    assert cues.arousal_cues("火车开往城里") == (0.0, [])  # 火 inside 火车 is not fire
    assert cues.arousal_cues("怒火在胸口燃烧")[0] > 0


def test_the_labelled_songs_and_their_split():
    songs = song_mood.load_labelled_songs()
    assert len(songs) == 96
    for quadrant in song_mood.QUADRANT_SIGNS:
        mine = [s for s in songs if s.quadrant == quadrant]
        assert len(mine) == 24 and sum(s.held_out for s in mine) == 8
        assert {s.language for s in mine} == {"en", "zh"} and {s.kind for s in mine} == {"clear", "mixed"}


def test_fit_learns_both_axes_and_never_sharpens():
    rng = np.random.default_rng(0)
    quadrants = list(song_mood.QUADRANT_SIGNS) * 10
    signs = np.array([song_mood.QUADRANT_SIGNS[q] for q in quadrants], dtype=float)
    x = rng.normal(0, 0.3, (40, len(song_mood.FEATURES)))
    x[:, 0] += signs[:, 0]
    x[:, 7] += signs[:, 1]
    model = song_mood.fit(x, quadrants)
    assert model.valence.temperature >= 1 and model.arousal.temperature >= 1
    for q, (v, a) in song_mood.QUADRANT_SIGNS.items():
        features = np.zeros(len(song_mood.FEATURES))
        features[0], features[7] = v, a
        assert max(model.probabilities(features)[2].items(), key=lambda kv: kv[1])[0] == q
    assert song_mood.SongMoodModel.from_json(model.to_json()).to_json() == model.to_json()


def test_shipped_model_without_evidence_is_even():
    model = song_mood.load()
    assert model is not None and model.meta["songs"] == 64
    _, _, probs = model.probabilities(np.ones(len(song_mood.FEATURES)), evidence=0.0)
    assert all(p == pytest.approx(0.25) for p in probs.values())
    empty = model.predict(song_mood.song_evidence([], {}))
    assert empty["verdict"] == "unclear" and empty["deciding_lines"] == []


def test_explanation_sentences():
    lines = [{"text": "I hate you"}, {"text": "Get out"}]
    assert "“I hate you”" in mood_explanation({"verdict": "angry", "deciding_lines": [0]}, lines)
    assert "Mixed" in mood_explanation({"verdict": "mixed", "between": ["sad", "relaxed"]}, lines)
    assert "Unclear" in mood_explanation({"verdict": "unclear"}, lines)


@pytest.mark.slow
def test_neutral_text_is_never_above_sixty_percent(analyzer):
    for report in analyzer.analyze_batch(NEUTRAL, explain=False):
        assert max(report["mood"]["probabilities"].values()) <= 0.6, report["mood"]


@pytest.mark.slow
def test_calm_rain_night_and_negated_fear_in_a_report(analyzer):
    rain = analyzer.analyze(CALM_RAIN_NIGHT)["mood"]
    assert rain["quadrant"] != "angry" and rain["probabilities"]["angry"] < 0.3
    report = analyzer.analyze("我不怕黑夜有多长\nI'm not afraid anymore")
    assert [line["emotion"]["label"] != "fear" for line in report["lines"]] == [True, True]


@pytest.mark.slow
def test_a_clear_song_names_its_deciding_lines(analyzer):
    song = song_mood.load_labelled_songs()[0]  # an angry song: lies, hate, fight
    report = analyzer.analyze(song.text)
    mood = report["mood"]
    assert mood["verdict"] == mood["quadrant"] == song.quadrant and mood["confidence"] >= 0.5
    assert 1 <= len(mood["deciding_lines"]) <= 2
    assert set(mood) >= {"quadrant", "verdict", "valence", "arousal", "confidence", "probabilities", "evidence"}
