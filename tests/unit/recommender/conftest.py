"""The recommender's unit tests never load MiniLM or the melody VAE: item vectors come from small,
deterministic stand-ins (a test that needs particular vectors patches its own)."""
import hashlib

import numpy as np
import pytest

from recommender import item_vectors


def fake_text_vectors(texts):
    """Unit vectors of 8 values seeded by each text's hash: equal texts, equal vectors."""
    out = []
    for text in texts:
        seed = int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).standard_normal(8)
        out.append(v / np.linalg.norm(v))
    return np.array(out, dtype=np.float32).reshape(len(texts), 8)


@pytest.fixture(autouse=True)
def no_real_encoders(monkeypatch):
    monkeypatch.setattr(item_vectors, "encode_texts", fake_text_vectors)
    monkeypatch.setattr(item_vectors, "melody_latents", lambda voices: np.zeros((len(voices), 4), dtype=np.float32))
