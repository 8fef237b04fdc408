"""A new user onboards, scrolls the feed, likes an item and sees the next page change."""
import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from recommender import serving, training
from recommender.models import ImportedPlay, Item

pytestmark = pytest.mark.e2e


@pytest.fixture
def feed_catalogue(transactional_db, settings, tmp_path):
    settings.MOTIF_MODEL_DIR = str(tmp_path)
    cache.clear()
    serving.reset_serving_cache()
    items = []
    for k in range(120):
        folk = k % 2 == 0
        items.append(Item.objects.create(
            kind=Item.KIND_IMPORTED, source="e2e", external_id=str(k), title=f"{'Reel' if folk else 'Riff'} {k}",
            creator=f"Band {k % 15}", tags=["folk", "fiddle"] if folk else ["metal", "guitar"], listeners=120 - k))
    plays = []
    for listener in range(60):
        folk = listener % 2 == 0
        cluster = [it for k, it in enumerate(items) if (k % 2 == 0) == folk]
        for j in range(15):
            plays.append(ImportedPlay(listener=f"p{listener}", item=cluster[(listener * 7 + j * 3) % 60], plays=3 + j))
    ImportedPlay.objects.bulk_create(plays, ignore_conflicts=True)
    training.train(components=["itemknn", "als", "content", "popularity"], tune=False)
    yield items
    serving.reset_serving_cache()


def test_onboard_scroll_like_and_next_page_changes(feed_catalogue, logged_in_page, screenshot):
    page = logged_in_page
    page.goto("/feed/")
    expect(page.locator("h1")).to_contain_text("Tell us what you play")
    page.check("input[name=instruments][value=violin]")
    page.check("input[name=genres][value=folk]")
    page.locator("input[name=items]").nth(0).check()
    screenshot(page, "feed-onboarding")
    page.click("text=Show my feed")

    items = page.locator("#feed .feed-item")
    expect(items).to_have_count(20)
    expect(items.first.locator(".feed-reason")).not_to_be_empty()
    screenshot(page, "feed-page-1")

    # infinite scroll loads page 2
    page.locator("#feed-sentinel").scroll_into_view_if_needed()
    expect(items).to_have_count(40)

    # like an item of page 2; the next page is computed with the like
    target = items.nth(25)
    liked_title = target.locator(".feed-title").inner_text()
    target.locator("[data-event=like]").click()
    expect(target).to_have_class("card feed-item liked")
    page.locator("#feed-sentinel").scroll_into_view_if_needed()
    expect(items).to_have_count(60)
    third = page.locator("#feed .feed-item").nth(40)
    third.scroll_into_view_if_needed()
    reasons = [page.locator("#feed .feed-item").nth(i).locator(".feed-reason").inner_text() for i in range(40, 60)]
    assert any(liked_title in r for r in reasons), reasons
    screenshot(page, "feed-after-like")
