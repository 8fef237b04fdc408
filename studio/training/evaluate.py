"""Evaluation of the melody VAE on held-out corpus windows or a folder of the user's own scores (the
harmony GAN's is :mod:`studio.training.evaluate_gan`).

Every report carries the trained model's figures beside a randomly initialised model of the same
configuration (``random_init``), so a reader sees what training bought.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from studio.music.encoding import MELODY_RANGE
from studio.music.errors import ScoreError
from studio.ml.checkpoints import build_model
from studio.training.data import chorale_windows, line_windows
from studio.training.metrics import mgeval_overlap, token_accuracy

SCORE_SUFFIXES = {".mid", ".midi", ".xml", ".musicxml", ".mxl", ".abc"}


def folder_windows(folder: Path) -> dict[str, np.ndarray]:
    """2- and 4-bar melody windows (voice 0, or the top line) and four-voice windows of every
    readable score in ``folder``; unreadable files are skipped."""
    from studio.music.io import load_score

    out = {"melody2": [], "melody4": [], "chorale4": []}
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix.lower() not in SCORE_SUFFIXES:
            continue
        try:
            sketch = load_score(path, path.name)
        except ScoreError:
            continue
        out["melody2"] += line_windows(sketch.voice_notes(0), 2)
        out["melody4"] += line_windows(sketch.voice_notes(0), 4)
        if len(sketch.voices) == 4:
            out["chorale4"] += chorale_windows([sketch.voice_notes(v) for v in range(4)])
    shapes = {"melody2": (32,), "melody4": (64,), "chorale4": (4, 64)}
    return {k: np.stack(v).astype(np.int64) if v else np.zeros((0,) + shapes[k], dtype=np.int64) for k, v in out.items()}


def _subset(tokens: np.ndarray, limit: int, seed: int = 0) -> np.ndarray:
    if len(tokens) <= limit:
        return tokens.astype(np.int64)
    return tokens[np.random.default_rng(seed).permutation(len(tokens))[:limit]].astype(np.int64)


@torch.no_grad()
def vae_scores(model, melody2: np.ndarray, melody4: np.ndarray, samples: int = 500, seed: int = 0,
               batch: int = 256) -> dict:
    """Reconstruction accuracy (greedy from the posterior mean), teacher-forced accuracy, and the
    overlap areas of ``samples`` prior samples against as many reference 2-bar windows."""
    model.eval()
    out: dict = {"windows": int(len(melody2)), "windows_4bar": int(len(melody4))}
    for bars, tokens in ((2, melody2), (4, melody4)):
        suffix = "" if bars == 2 else "_4bar"
        if len(tokens) == 0:
            continue
        recon, tf = [], []
        for i in range(0, len(tokens), batch):
            x = torch.from_numpy(tokens[i:i + batch]).to(model.device)
            mu, _ = model.encode(x)
            recon.append(model.decode(mu, bars).cpu().numpy())
            tf.append(model.teacher_forced_logits(mu, x).argmax(-1).cpu().numpy())
        out[f"reconstruction_accuracy{suffix}"] = token_accuracy(np.concatenate(recon), tokens)
        out[f"teacher_forced_accuracy{suffix}"] = token_accuracy(np.concatenate(tf), tokens)
    if len(melody2):
        gen = torch.Generator().manual_seed(seed)
        generated = np.concatenate([model.sample(min(batch, samples - i), 2, 1.0, generator=gen).cpu().numpy()
                                    for i in range(0, samples, batch)])
        reference = _subset(melody2, samples, seed)
        overlap = mgeval_overlap(reference, generated, MELODY_RANGE)
        out["overlap_area_mean"] = overlap.pop("mean")
        out["overlap_area"] = overlap
    return out


def evaluate_vae(model, melody2: np.ndarray, melody4: np.ndarray, windows: int = 2000, samples: int = 500,
                 seed: int = 0) -> dict:
    """The VAE report: trained figures, and ``random_init`` for an untrained twin."""
    melody2, melody4 = _subset(melody2, windows, seed), _subset(melody4, windows, seed)
    report = vae_scores(model, melody2, melody4, samples, seed)
    torch.manual_seed(seed)
    baseline = build_model("vae", model.config.to_dict()).to(model.device)
    report["random_init"] = vae_scores(baseline, melody2, melody4, samples, seed)
    return report
