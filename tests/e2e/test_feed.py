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


@pytest.fixture
def sketch_items(transactional_db, settings, tmp_path, user):
    """Two public studio sketches in the catalogue, beside a few artists (served before any training)."""
    from studio.models import Sketch

    settings.MOTIF_MODEL_DIR = str(tmp_path)
    cache.clear()
    serving.reset_serving_cache()
    notes = [{"pitch": 60 + (k % 8), "start": 2 * k, "duration": 2, "velocity": 90, "voice": 0} for k in range(32)]
    score = {"notes": notes, "bars": 4, "tempo": 100.0, "key": "C", "voices": ["melody"]}
    items = []
    for k in range(2):
        sketch = Sketch.objects.create(owner=user, title=f"Preview tune {k}", tags=["folk"], is_public=True,
                                       score=score, bars=4, tempo=100.0, key="C", origin="generated")
        items.append(Item.objects.create(kind=Item.KIND_SKETCH, source="studio", external_id=str(sketch.pk),
                                         title=sketch.title, creator="me", tags=["folk"], listeners=100 - k))
    for k in range(6):
        Item.objects.create(kind=Item.KIND_IMPORTED, source="e2e", external_id=str(k), title=f"Artist {k}",
                            creator=f"Band {k}", tags=["rock"], listeners=10 - k)
    yield items
    serving.reset_serving_cache()


def test_a_preview_plays_in_the_feed_one_at_a_time(sketch_items, logged_in_page, screenshot):
    page = logged_in_page
    page.goto("/feed/?skip=1")
    first = page.locator(f'#feed .feed-item[data-item-id="{sketch_items[0].pk}"]')
    second = page.locator(f'#feed .feed-item[data-item-id="{sketch_items[1].pk}"]')
    expect(first.locator("[data-play]")).to_be_visible()
    expect(page.locator('#feed .feed-item[data-item-id] [data-field="midi"]:visible')).to_have_count(0)
    first.locator("[data-play]").click()
    expect(first).to_have_class("card feed-item playing")
    player = "(await import('/static/studio/player.js')).player"
    page.wait_for_function(f"async () => {player}.context.state === 'running'")
    page.wait_for_function(f"async () => ({player}.position() || 0) > 1")
    before = int(first.locator("[data-scrubber]").input_value())
    page.wait_for_timeout(400)
    assert int(first.locator("[data-scrubber]").input_value()) > before  # the playhead moves
    page.wait_for_function(f"async () => {player}.synth.voiceCount > 0")  # SoundFont voices sound
    first.locator("[data-scrubber]").fill("48")  # the scrubber moves the playhead
    page.wait_for_function(f"async () => {player}.position() >= 48")
    screenshot(page, "feed-preview-playing")
    second.locator("[data-play]").click()  # one at a time: the first stops
    expect(second).to_have_class("card feed-item playing")
    expect(first).to_have_class("card feed-item")
    second.locator("[data-stop]").click()
    expect(second).to_have_class("card feed-item")
