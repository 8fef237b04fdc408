"""In 简体中文 the words the analysers and the job system produce in English read in Chinese too:
scene labels, themes, section names, job kinds and job messages."""
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.pages import seed_site

pytestmark = pytest.mark.e2e


def test_generated_words_read_in_chinese(browser, live_url, user, settings, tmp_path):
    pages = seed_site(user, settings, tmp_path)  # the jobs ran in English
    context = browser.new_context(base_url=live_url)
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_url}])
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(next(p for p in pages if p.startswith("/analyze/videos/") and p[-2].isdigit()))
    expect(page.locator("#palettes")).to_contain_text("第 1 组")
    assert "group 1" not in page.inner_text("main")

    page.goto(next(p for p in pages if p.startswith("/analyze/lyrics/") and p[-2].isdigit()))
    lyric = page.inner_text("main")
    assert "主歌" in lyric and "副歌" in lyric and "Verse" not in lyric and "Chorus" not in lyric
    assert "party & dance" not in lyric and "night & city" not in lyric

    page.goto("/jobs/")
    jobs = page.inner_text("#jobs-body")
    assert "歌词分析" in jobs and "完成" in jobs
    assert "Done" not in jobs and "Lyric analysis" not in jobs
    context.close()
