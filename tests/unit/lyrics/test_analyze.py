"""The full report with the shipped model: shape, hand-checked content, bad input, speed."""
import time

import pytest

from jobs.errors import UserError
from perception.lyrics import services as lyrics_services
from perception.lyrics.analysis.emotion import LABELS
from perception.lyrics.models import LyricReport

from .conftest import DRAFT_ONE

pytestmark = pytest.mark.slow


def test_model_loads_offline(analyzer):
    assert analyzer.classifier.name in ("default", "baseline")
    assert analyzer.classifier.meta["labels"] == list(LABELS)


def test_report_has_the_documented_shape(analyzer):
    report = analyzer.analyze(DRAFT_ONE)
    assert {"language", "lines", "sections", "mood", "rhyme_scheme", "keywords", "seconds"} <= set(report)
    line = report["lines"][0]
    assert {"text", "sentiment", "emotion", "syllables", "rhyme"} <= set(line)
    assert set(line["emotion"]) == {"label", "scores"} and set(line["emotion"]["scores"]) == set(LABELS)
    assert set(report["mood"]) == {"quadrant", "valence", "arousal", "confidence"}
    assert report["language"] == "en"
    assert report["rhyme_scheme"] == "AABB CCC"
    assert [s["kind"] for s in report["sections"]] == ["verse", "chorus"]
    assert report["hook"] == "Sail away, sail away"
    assert [line["syllables"] for line in report["lines"][:2]] == [8, 9]  # car-ry ev-er-y word I stut-ter


def test_emotions_and_explanations_on_clear_lines(analyzer):
    report = analyzer.analyze("i feel so sad and lonely without you\ni am furious and i hate your lies\n"
                              "i am so happy and excited today")
    labels = [line["emotion"]["label"] for line in report["lines"]]
    assert labels == ["sadness", "anger", "joy"]
    first = report["lines"][0]["explain"]
    assert "sad" in [w for w, _ in first["sentiment"]] + [w for w, _ in first["emotion"]]
    assert report["lines"][0]["sentiment"] < 0 < report["lines"][2]["sentiment"]


def test_chinese_and_mixed_lyrics(analyzer):
    report = analyzer.analyze("[副歌]\n我在夜里哭泣\n眼泪落在心里\nI miss you 我想你")
    assert report["language"] == "zh"
    assert report["sections"][0]["kind"] == "chorus"
    assert report["lines"][1]["emotion"]["label"] == "sadness"
    assert report["lines"][2]["language"] == "mixed"
    assert report["lines"][0]["rhyme"]["letter"] == report["lines"][1]["rhyme"]["letter"]  # 泣 qi / 里 li


def test_only_emoji_gives_a_sensible_report(analyzer):
    report = analyzer.analyze("🎵🎵🎵\n💔😢")
    assert report["language"] == "unknown"
    assert report["warnings"]
    assert all(line["syllables"] == 0 for line in report["lines"])


def test_a_ten_thousand_character_line(analyzer):
    report = analyzer.analyze("na " * 3334)
    assert len(report["lines"]) == 1 and report["lines"][0]["syllables"] == 3334


def test_a_sixty_line_song_is_fast(analyzer):
    song = "\n".join(f"line {i} of a song about the night and the light" for i in range(60))
    analyzer.analyze(song)
    started = time.perf_counter()
    analyzer.analyze(song)
    # A guard against pathologies only: this box is shared; benchmarks/lyrics.py measures the real figure.
    assert time.perf_counter() - started < 20


def test_a_lyric_over_the_line_limit_that_reaches_the_job_fails_with_a_sentence(analyzer, user):
    report = LyricReport.objects.create(owner=user, text="la la\n" * 6400)  # saved before the intake check
    with pytest.raises(UserError, match="6400 lines; the limit is 5000"):
        lyrics_services.run_analysis(report.pk, user.pk, lambda percent, message: None)
    report.refresh_from_db()
    assert report.status == LyricReport.Status.FAILED and "6400 lines" in report.error
