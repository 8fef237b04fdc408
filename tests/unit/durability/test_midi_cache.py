"""The feed's MIDI of corpus scores: concurrent first requests, and a full disk, still serve whole files."""
import errno
import threading
from pathlib import Path

import pytest
from django.urls import reverse

from recommender import midi_cache
from recommender.models import Item


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def score_item(db):
    return Item.objects.create(kind=Item.KIND_SCORE, source="music21", external_id="bach/bwv66.6", title="BWV 66.6",
                               features={"corpus_path": "bach/bwv66.6"})


def test_concurrent_first_requests_each_get_the_whole_file(media, score_item):
    results = []
    barrier = threading.Barrier(4)

    def fetch():
        barrier.wait(timeout=10)
        results.append(midi_cache.midi_bytes(score_item))

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len(set(results)) == 1 and results[0].startswith(b"MThd")
    cached = [p.name for p in (media / midi_cache.CACHE_DIR).iterdir()]
    assert cached == [f"{score_item.pk}.mid"]
    assert (media / midi_cache.cache_name(score_item.pk)).read_bytes() == results[0]


def test_a_full_disk_still_serves_the_midi(client, user, media, score_item, monkeypatch):
    def no_space(self, data):
        with open(self, "wb") as fh:
            fh.write(data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", no_space)
    client.force_login(user)
    response = client.get(reverse("recommender:item-midi", args=[score_item.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "audio/midi"
    assert b"".join(response.streaming_content).startswith(b"MThd")
    assert list((media / midi_cache.CACHE_DIR).iterdir()) == []  # no cache file, no half-written one


def test_an_unplayable_score_is_404(client, user, media, db):
    item = Item.objects.create(kind=Item.KIND_SCORE, source="music21", external_id="x", title="x",
                               features={"corpus_path": "no/such/score"})
    client.force_login(user)
    assert client.get(reverse("recommender:item-midi", args=[item.pk])).status_code == 404
