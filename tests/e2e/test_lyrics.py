"""Browser flow for lyric analysis: paste, watch the job, read the report, compare two drafts."""
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Written for this test (not from any published song).
DRAFT_ONE = """[Verse]
Paper boats along the gutter
Carry every word I stutter
I am sad and lonely in this rain

[Chorus]
Sail away, sail away
Sail away tonight
"""
DRAFT_TWO = DRAFT_ONE.replace("I am sad and lonely in this rain", "I am happy dancing in the sun")
REPORT_TIMEOUT = 180_000  # the first job loads the models in the server process


def analyse(page, title, text):
    page.goto("/analyze/lyrics/")
    page.fill("#id_title", title)
    page.fill("#id_text", text)
    page.click("#analyze-button")
    page.wait_for_url("**/analyze/lyrics/*/")
    page.wait_for_selector("#mood-quadrant", timeout=REPORT_TIMEOUT)


def test_paste_watch_read_and_compare(logged_in_page, screenshot):
    page = logged_in_page
    page.goto("/analyze/lyrics/")
    page.fill("#id_title", "Paper boats (draft 1)")
    page.fill("#id_text", DRAFT_ONE)
    page.click("#analyze-button")
    page.wait_for_url("**/analyze/lyrics/*/")
    # While the job runs the page shows its progress, then reloads into the report.
    page.wait_for_selector("#mood-quadrant", timeout=REPORT_TIMEOUT)
    screenshot(page, "lyrics-report")
    assert page.inner_text("#rhyme-scheme") == "AAB CD"
    assert page.locator(".lyric-line").count() == 5
    assert page.locator("svg.arc circle").count() == 5
    assert page.inner_text("#report-language") == "en"
    assert "gutter" in page.inner_text("#keywords")

    analyse(page, "Paper boats (draft 2)", DRAFT_TWO)
    page.select_option("#compare-b", label="Paper boats (draft 1)")
    page.click("#compare-button")
    page.wait_for_selector("#compare-summary")
    assert page.locator("#compare-lines td.text.changed").count() == 2
    screenshot(page, "lyrics-compare")

    page.goto("/analyze/lyrics/")
    assert page.locator("table.lyric-reports tbody tr").count() == 2
    screenshot(page, "lyrics-list")


def test_empty_lyric_shows_the_message(logged_in_page):
    page = logged_in_page
    page.goto("/analyze/lyrics/")
    page.fill("#id_text", "   ")
    page.click("#analyze-button")
    assert "The text is empty" in page.inner_text("#lyric-form")
