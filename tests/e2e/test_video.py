"""A musician uploads a music video, watches the job, reads the report and uses the timeline;
a bad file is refused on the spot; a long analysis can be cancelled."""

import re

import pytest
from playwright.sync_api import expect

from perception.video.models import VideoReport
from perception.video.analysis.synthetic import ShotSpec, make_clip

pytestmark = pytest.mark.e2e


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def clip(tmp_path):
    lengths = [36, 36, 27, 27, 27, 27, 60]
    shots = [ShotSpec(n, style=(0 if i == 6 else i), face=(i == 4)) for i, n in enumerate(lengths)]
    return make_clip(tmp_path / "night-drive.mp4", shots, fps=30, bpm=100)


def test_upload_watch_report_timeline_and_delete(logged_in_page, media, clip, screenshot):
    page = logged_in_page
    page.goto("/analyze/")
    page.click("main a:has-text('Music-video analysis')")
    expect(page.locator("h1")).to_contain_text("Music-video analysis")
    page.set_input_files("input[name=file]", str(clip.path))
    page.fill("input[name=title]", "Night drive")
    screenshot(page, "video-upload")
    page.click("#video-analyze")
    page.wait_for_url(re.compile(r"/analyze/videos/\d+/$"), timeout=120_000)
    expect(page.locator("h1")).to_contain_text("Night drive")
    timeline = page.locator("#keyframe-timeline button")
    expect(timeline).to_have_count(7)
    expect(page.locator("#beat-chart line[data-cut]")).to_have_count(6)
    expect(page.locator("#palettes li")).to_have_count(7)
    expect(page.locator(".video-stats")).to_contain_text(re.compile(r"(99|100)\.\d BPM"))
    expect(page.locator(".video-stats")).to_contain_text("67 %")
    # Clicking the fourth keyframe moves the player to that shot (3.3 s).
    page.wait_for_function("document.getElementById('video-player').readyState >= 1")
    timeline.nth(3).click()
    page.wait_for_function("Math.abs(document.getElementById('video-player').currentTime - 3.3) < 0.5")
    page.evaluate("document.getElementById('video-player').pause()")
    screenshot(page, "video-report")

    page.goto("/analyze/videos/")
    expect(page.locator("table.video-reports")).to_contain_text("Night drive")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("table.video-reports button:has-text('Delete')")
    expect(page.locator("table.video-reports")).to_contain_text("No video reports yet")
    assert not VideoReport.objects.exists()


def test_bad_file_is_refused_and_long_job_cancelled(logged_in_page, media, tmp_path, screenshot):
    page = logged_in_page
    page.goto("/analyze/videos/")
    text = tmp_path / "lyrics.mp4"
    text.write_text("verse\nchorus\n" * 100)
    page.set_input_files("input[name=file]", str(text))
    page.click("#video-analyze")
    expect(page.locator("#video-form-error")).to_contain_text("its content is not an MP4 video")
    screenshot(page, "video-refused")

    long_clip = make_clip(tmp_path / "long.mp4", [ShotSpec(300) for _ in range(12)], fps=30, width=640, height=360)
    page.set_input_files("input[name=file]", str(long_clip.path))
    page.click("#video-analyze")
    expect(page.locator("#video-job")).to_be_visible()
    page.wait_for_function(
        "Number(document.querySelector('#video-job .progress')?.getAttribute('aria-valuenow') || 0) > 0",
        timeout=60_000,
    )
    screenshot(page, "video-progress")
    page.click("#video-cancel")
    expect(page.locator("#video-form-error")).to_contain_text("cancelled", timeout=30_000)
    assert not VideoReport.objects.exists()
