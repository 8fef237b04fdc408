"""Fixtures of the studio model tests: tiny synthetic window sets and tiny trained checkpoints, so
that no test depends on the music21 corpus cache."""
import numpy as np
import pytest
import torch

from studio import services
from studio.music.chords import chord_code
from studio.music.encoding import MELODY_RANGE, VOICE_RANGE, encode_line
from studio.music.score import Note, steps_per_bar
from studio.training.chorales import ChoraleWindows
from studio.training.data import WindowSet, melody_set_name


def random_melody(rng, steps):
    """A line of quarter and eighth notes around middle C."""
    notes, t = [], 0
    while t < steps:
        d = int(rng.choice([2, 4]))
        notes.append(Note(int(rng.integers(60, 72)), t, min(d, steps - t)))
        t += d
    return encode_line(notes, steps, MELODY_RANGE)


def random_chorale(rng):
    """Four voices of quarter notes in their usual registers."""
    return np.stack([encode_line([Note(int(rng.integers(lo, lo + 8)), t, 4) for t in range(0, 64, 4)], 64, VOICE_RANGE)
                     for lo in (67, 60, 53, 41)])


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    """The test machine is shared; tiny models gain nothing from more threads."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


TINY_METRES = ("4/4", "6/8")


@pytest.fixture(scope="session")
def tiny_sets():
    """Random melodies in 4/4 and 6/8 (2 and 4 bars, over C and G chords) and random chorales."""
    rng = np.random.default_rng(0)
    sets = {}
    codes = [chord_code("C"), chord_code("G")]
    for split, n in (("train", 48), ("valid", 12)):
        for metre in TINY_METRES:
            for bars in (2, 4):
                steps = bars * steps_per_bar(metre)
                tokens = np.stack([random_melody(rng, steps) for _ in range(n)]).astype(np.uint8)
                chords = np.array([np.repeat(rng.choice(codes, bars), steps // bars) for _ in range(n)], dtype=np.int32)
                sets[melody_set_name(bars, metre, split)] = WindowSet(tokens, np.zeros(n, dtype=np.int32), chords)
        sets[f"chorale4_{split}"] = WindowSet(np.stack([random_chorale(rng) for _ in range(n)]).astype(np.uint8),
                                              np.zeros(n, dtype=np.int32))
        metres = np.array(["4/4", "3/4"] * (n // 2))
        sets[f"chorales_{split}"] = ChoraleWindows(sets[f"chorale4_{split}"].tokens.astype(np.int64), metres,
                                                   np.arange(n, dtype=np.int32))
    return sets


@pytest.fixture(scope="session")
def tiny_checkpoints(tiny_sets, tmp_path_factory):
    """A folder with a tiny VAE and a tiny GAN, each trained for one epoch."""
    from studio.training.train import train

    out = tmp_path_factory.mktemp("checkpoints")
    for kind in ("vae", "gan"):
        train(kind, "tiny", epochs=1, out=out, sets=tiny_sets, data_hash="tiny", progress=False, log=lambda m: None)
    return out


@pytest.fixture
def tiny_models(tiny_checkpoints, monkeypatch):
    """services use the tiny checkpoints (through MOTIF_MODEL_DIR) with a fresh model cache."""
    monkeypatch.setenv("MOTIF_MODEL_DIR", str(tiny_checkpoints))
    monkeypatch.setattr(services, "_models", {})
    return tiny_checkpoints
