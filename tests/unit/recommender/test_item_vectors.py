"""Item vectors for the content model: computed once per item (stored in .npz beside the models), never
by the serving fallback, left out with a log line when a model is missing; the melody VAE's latents can
make a reason say "Sounds like"."""
import json
import logging

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone

from recommender import item_vectors, serving, training
from recommender.algorithms.symbolic import sound_block
from recommender.models import Event, Item
from recommender.sounds import SOUNDS_LIKE_MIN, fingerprint

from .conftest import fake_text_vectors

REAL_ENCODE_TEXTS = item_vectors.encode_texts  # the autouse fixture replaces it with a fake


def test_text_vectors_are_stored_and_only_new_or_changed_items_encoded(tmp_path, monkeypatch):
    calls = []

    def encode(texts):
        calls.append(list(texts))
        return fake_text_vectors(texts)

    monkeypatch.setattr(item_vectors, "encode_texts", encode)
    item_vectors.text_vectors(tmp_path, [(1, "Reel", ["folk"]), (2, "Air", [])])
    assert calls == [["Reel. folk", "Air"]]
    stored = item_vectors.read_store(tmp_path / item_vectors.TEXT_FILE)
    again = item_vectors.text_vectors(tmp_path, [(2, "Air", []), (1, "Reel", ["folk", "fiddle"]), (3, "Jig", [])])
    assert calls[1] == ["Reel. folk, fiddle", "Jig"]
    np.testing.assert_array_equal(item_vectors.read_store(tmp_path / item_vectors.TEXT_FILE)[2][1], stored[2][1])
    np.testing.assert_allclose(np.linalg.norm(again, axis=1), 1.0, rtol=1e-5)  # centred, unit rows
    stored_only = item_vectors.text_vectors(tmp_path, [(4, "New", []), (3, "Jig", []), (2, "Air", [])], encode=False)
    assert len(calls) == 2 and not stored_only[0].any() and stored_only[1:].any(axis=1).all()


def test_encode_texts_loads_the_lyrics_encoder_and_returns_unit_rows(monkeypatch):
    import torch

    from perception.lyrics.analysis import emotion

    def tokenizer(texts, **_kwargs):
        ids = torch.tensor([[len(t), 1] for t in texts], dtype=torch.float32)
        return {"input_ids": ids, "attention_mask": torch.ones(len(texts), 2)}

    def encoder(input_ids, attention_mask):
        return type("Out", (), {"last_hidden_state": input_ids[:, :, None].repeat(1, 1, 3)})()

    monkeypatch.setattr(emotion, "load_base_encoder", lambda device: (tokenizer, encoder))
    monkeypatch.setattr(item_vectors, "_encoder", {})
    vectors = REAL_ENCODE_TEXTS(["Reel. folk", "Air"])
    assert vectors.shape == (2, 3) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_a_missing_encoder_leaves_the_text_block_out(tmp_path, monkeypatch, caplog):
    def unavailable(texts):
        raise RuntimeError("No sentence encoder found")

    monkeypatch.setattr(item_vectors, "encode_texts", unavailable)
    with caplog.at_level(logging.WARNING, logger="recommender.item_vectors"):
        assert item_vectors.text_vectors(tmp_path, [(1, "Reel", [])]) is None
    assert "No sentence encoder found" in caplog.text


def test_the_sound_block_joins_fingerprint_and_centred_latent():
    prints = np.array([[1.0, 0], [0, 1.0], [0, 0]])
    latents = np.array([[1.0, 3.0], [3.0, 3.0], [0, 0]])  # the mean (2, 3) is taken out
    block = sound_block(prints, latents, vae_weight=1.0)
    np.testing.assert_allclose(block[0], np.array([1, 0, -1, 0]) / np.sqrt(2), atol=1e-6)
    np.testing.assert_allclose(block[1], np.array([0, 1, 1, 0]) / np.sqrt(2), atol=1e-6)
    assert not block[2].any()


@pytest.fixture
def scored_catalogue(db, settings, tmp_path):
    settings.MOTIF_MODEL_DIR = str(tmp_path / "models")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "recommender" / "preview").mkdir(parents=True)
    cache.clear()
    serving.reset_serving_cache()
    yield tmp_path
    serving.reset_serving_cache()


def score_item(media, title, pitches, duration, tags):
    notes = [{"pitch": p, "start": duration * k, "duration": duration, "voice": 0} for k, p in enumerate(pitches)]
    item = Item.objects.create(kind=Item.KIND_SCORE, source="test", external_id=title, title=title, creator=title,
                               tags=tags, features={"sound": fingerprint({"notes": notes})})
    (media / "media" / "recommender" / "preview" / f"{item.pk}.json").write_text(json.dumps({"notes": notes}))
    return item


def test_a_vae_latent_close_to_a_liked_piece_makes_it_sound_like_it(scored_catalogue, user, api_client, monkeypatch):
    # The stand-in VAE hears pieces that start on middle C alike; their fingerprints (rhythm) differ.
    def latents(voices_per_piece):
        return np.array([[5.0, 0.0] if voices[0][0].pitch == 60 else [0.0, 5.0] for voices in voices_per_piece])

    monkeypatch.setattr(item_vectors, "melody_latents", latents)
    liked = score_item(scored_catalogue, "Reel in G", [60, 62, 64, 65, 67, 69, 71, 72] * 4, 1, ["folk"])
    twin = score_item(scored_catalogue, "Slow march", [60, 67, 55, 72], 16, ["march"])
    other = score_item(scored_catalogue, "Lament", [57, 55, 53, 52] * 2, 8, ["folk"])
    for item in (twin, other):
        assert np.dot(item.features["sound"], liked.features["sound"]) < SOUNDS_LIKE_MIN
    training.train(components=["content"], tune=False)
    content = serving.get_model().content
    assert content.sound.shape[0] == 3 and content.text.shape == (3, 8)
    assert (scored_catalogue / "models" / "recommender" / item_vectors.SOUND_FILE).exists()
    Event.objects.create(user=user, item=liked, kind="like", timestamp=timezone.now())
    reasons = {r["id"]: r["reason"] for r in api_client.get("/api/feed/").json()["results"]}
    assert reasons[twin.pk] == "Sounds like Reel in G"
    assert reasons[other.pk].startswith("Matches your tags")


def test_the_serving_fallback_loads_no_model(scored_catalogue, monkeypatch):
    def forbidden(*args):
        raise AssertionError("a model was loaded in a request")

    monkeypatch.setattr(item_vectors, "encode_texts", forbidden)
    monkeypatch.setattr(item_vectors, "melody_latents", forbidden)
    score_item(scored_catalogue, "Reel", [60, 62], 4, ["folk"])
    assert set(serving.get_model().hybrid.components) == {"content", "popularity"}
