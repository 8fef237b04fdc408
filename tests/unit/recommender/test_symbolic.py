"""Symbolic features: what they hear, and what they ignore (the key a piece is in)."""
import numpy as np

from recommender.algorithms.symbolic import embed, melody_windows, note_features
from studio.music.score import Note

SCALE = [0, 2, 4, 5, 7, 9, 11, 12]


def reel(shift=0, bars=8):
    """Running quavers up and down a major scale: a fiddle-tune texture."""
    return [[Note(60 + shift + SCALE[k % 8] if (k // 8) % 2 == 0 else 72 + shift - SCALE[k % 8], 2 * k, 2)
             for k in range(bars * 8)]]


def chorale_line(bars=8):
    """Half notes in a minor key: a slow, hymn-like line."""
    return [[Note(57 + [0, 3, 7, 5, 3, 2, 0, -2][k % 8], 8 * k, 8) for k in range(bars * 2)]]


def test_blocks_have_fixed_sizes_and_the_key_does_not_matter():
    f = note_features(reel())
    assert {k: len(v) for k, v in f.items()} == {"pitch": 13, "interval": 25, "rhythm": 25}
    moved = note_features(reel(shift=5))
    np.testing.assert_allclose(moved["pitch"], f["pitch"])
    np.testing.assert_allclose(moved["interval"], f["interval"])
    assert f["rhythm"][1] == 1.0  # every note lasts two steps


def test_embedding_puts_like_with_like():
    pieces = [reel(), reel(shift=2), reel(shift=7), chorale_line(), chorale_line(bars=6)]
    blocks = {}
    for voices in pieces:
        for name, value in note_features(voices).items():
            blocks.setdefault(name, []).append(value)
    x = embed({k: np.array(v) for k, v in blocks.items()})
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-5)
    sims = x @ x.T
    assert sims[0, 1] > sims[0, 3] and sims[3, 4] > sims[3, 0]


def test_melody_windows_are_four_bar_token_rows():
    windows = melody_windows(reel(bars=8))
    assert windows.shape == (2, 64)
    assert melody_windows([[]]).shape == (0, 64)
