"""Issue 17's report fixes: clean explanation chips, one keyword per idea, emotion confidence shown
apart from sentiment, one set of rhyme letters, identical drafts said so, older draft first."""
import datetime

import pytest
from django.utils import timezone

from perception.lyrics import services as lyrics_services
from perception.lyrics.analysis.analyze import is_chip_word
from perception.lyrics.analysis.themes import dedupe_keywords
from perception.lyrics.views import present
from perception.lyrics.models import LyricReport

from .conftest import DRAFT_ONE, DRAFT_TWO

pytestmark = pytest.mark.slow


def test_chips_are_words():
    assert not any(is_chip_word(w) for w in ("'", "s", "'s", "t", "the", ",", ""))
    assert all(is_chip_word(w) for w in ("don't", "lonely", "怕", "黑夜"))


def test_no_apostrophe_or_letter_chips_in_a_report(analyzer):
    report = analyzer.analyze("It's a lonely night, don't you cry\nShe's gone and I can't say why\n"
                              "we're dancing 'cause it's over")
    chips = [w for line in report["lines"] for kind in ("sentiment", "emotion") for w, _ in line["explain"][kind]]
    assert chips and all(is_chip_word(w) for w in chips)


def test_keywords_sharing_words_become_one():
    ranked = [{"text": "cold", "score": 0.9}, {"text": "kettle", "score": 0.8}, {"text": "kettle cold", "score": 0.5},
              {"text": "cold kettle", "score": 0.4}, {"text": "船", "score": 0.3}, {"text": "纸船", "score": 0.2}]
    assert dedupe_keywords(ranked) == [{"text": "kettle cold", "score": 0.9}, {"text": "纸船", "score": 0.3}]


def test_section_headers_use_the_line_letters(analyzer):
    report = analyzer.analyze("[Verse]\nI walk alone\ninto the night\n\n[Chorus]\nhold me tight\nunder the light\n"
                              "we are home")
    for section in report["sections"]:
        assert section["rhyme_scheme"] == "".join(report["lines"][i]["rhyme"]["letter"] for i in section["lines"])
    assert report["sections"][1]["rhyme_scheme"] == "BBA"


def test_emotion_column_shows_its_own_confidence(draft_reports):
    view = present(draft_reports[0])
    line = view["sections"][0]["members"][2]
    assert line["emotion_pct"] == round(line["emotion"]["scores"][line["emotion"]["label"]] * 100)


@pytest.fixture(scope="module")
def draft_reports(analyzer):
    return analyzer.analyze_batch([DRAFT_ONE, DRAFT_TWO])


@pytest.fixture
def two_drafts(user, draft_reports):
    now = timezone.now()
    older = LyricReport.objects.create(owner=user, title="older", text=DRAFT_ONE, status="ready",
                                       report=draft_reports[0])
    newer = LyricReport.objects.create(owner=user, title="newer", text=DRAFT_TWO, status="ready",
                                       report=draft_reports[1])
    LyricReport.objects.filter(pk=older.pk).update(created=now - datetime.timedelta(hours=1))
    return older, newer


def test_compare_says_when_drafts_are_identical(client, user, two_drafts):
    older, newer = two_drafts
    assert lyrics_services.compare(older.report, older.report)["identical"]
    assert not lyrics_services.compare(older.report, newer.report)["identical"]
    client.force_login(user)
    page = client.get("/analyze/lyrics/compare/", {"a": older.pk, "b": older.pk}).content.decode()
    assert "These drafts are identical" in page and "compare-summary" not in page


def test_compare_puts_the_older_draft_first(client, user, two_drafts):
    older, newer = two_drafts
    client.force_login(user)
    form = client.get("/analyze/lyrics/compare/").content.decode()
    first, second = form.split('id="id_b"')
    assert f'value="{older.pk}" selected' in first and f'value="{newer.pk}" selected' in second
    # From the newer report's page, the other draft picked: the older one is still first.
    page = client.get("/analyze/lyrics/compare/", {"a": newer.pk, "b": older.pk, "chronological": "1"})
    assert page.context["a"] == older and page.context["b"] == newer
    assert client.get("/analyze/lyrics/compare/", {"a": newer.pk, "b": older.pk}).context["a"] == newer
