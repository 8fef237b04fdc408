"""Content that hears the music: symbolic features of a score (plain numpy; torch only for the VAE).

Blocks, each a fixed-length vector computed from notes on the studio's 16th grid:

- ``pitch``: duration-weighted pitch-class histogram rotated to the estimated key's tonic
  (Krumhansl-Kessler), plus the mode (1 minor, 0 major): 13 values;
- ``interval``: histogram of the top voice's melodic intervals, clipped to +-12 semitones: 25 values;
- ``rhythm``: histograms of note durations (1, 2, 3, 4, 6, 8, 12, 16+ steps) and onset positions in the
  bar (16), and the notes per bar: 25 values;
- ``vae``: the melody VAE's posterior mean, averaged over the top voice's 4-bar windows (latent size).

:func:`embed` standardises every dimension over a collection, L2-normalises each block, weights and
concatenates them, so that the cosine of two rows compares how two pieces sound, block by block.
"""
from __future__ import annotations

import numpy as np

from studio.music.encoding import MELODY_RANGE, encode_line, fit_octave
from studio.music.keys import estimate_key

DURATION_BINS = np.array([1, 2, 3, 4, 6, 8, 12, 16])
STEPS_PER_BAR = 16
WINDOW_BARS = 4
MAX_WINDOWS = 8
BLOCK_WEIGHTS = {"pitch": 1.0, "interval": 1.0, "rhythm": 1.0, "vae": 1.0}


def _histogram(values, n: int, weights=None) -> np.ndarray:
    h = np.bincount(np.asarray(values, dtype=np.int64), weights=weights, minlength=n)[:n].astype(np.float64)
    return h / h.sum() if h.sum() else h


def top_voice(voices: list[list]) -> list:
    """The first non-empty voice (the melody, or a chorale's soprano), ordered by onset."""
    for voice in voices:
        if voice:
            return sorted(voice, key=lambda n: (n.start, -n.pitch))
    return []


def note_features(voices: list[list]) -> dict[str, np.ndarray]:
    """The ``pitch``, ``interval`` and ``rhythm`` blocks of a piece given as voices of notes (objects
    with ``pitch``, ``start`` and ``duration`` in 16th steps)."""
    notes = [n for v in voices for n in v]
    if not notes:
        raise ValueError("a piece without notes has no features")
    pitches = np.array([n.pitch for n in notes])
    durations = np.array([n.duration for n in notes], dtype=np.float64)
    tonic, mode = estimate_key(pitches)
    pc = _histogram((pitches - tonic) % 12, 12, durations)
    melody = top_voice(voices)
    steps = np.diff([n.pitch for n in melody]) if len(melody) > 1 else np.zeros(0)
    interval = _histogram(np.clip(steps, -12, 12) + 12, 25)
    dur_bin = np.minimum(np.searchsorted(DURATION_BINS, durations, side="right") - 1, len(DURATION_BINS) - 1)
    onsets = _histogram([n.start % STEPS_PER_BAR for n in notes], STEPS_PER_BAR)
    bars = max(1, int(np.ceil(max(n.start + n.duration for n in notes) / STEPS_PER_BAR)))
    return {"pitch": np.append(pc, 1.0 if mode == "minor" else 0.0),
            "interval": interval,
            "rhythm": np.concatenate([_histogram(np.maximum(dur_bin, 0), len(DURATION_BINS)), onsets,
                                      [len(notes) / bars / STEPS_PER_BAR]])}


def melody_windows(voices: list[list]) -> np.ndarray:
    """VAE tokens of the top voice's 4-bar windows (at most ``MAX_WINDOWS``), each moved by octaves into
    the melody range; windows that do not fit or hold no note are left out. Shape (windows, 64)."""
    melody = top_voice(voices)
    steps = WINDOW_BARS * STEPS_PER_BAR
    end = max((n.start + n.duration for n in melody), default=0)
    out = []
    for offset in range(0, end, steps):
        inside = [n for n in melody if offset <= n.start < offset + steps]
        fitted = fit_octave(inside, MELODY_RANGE) if inside else None
        if fitted:
            out.append(encode_line(fitted, steps, MELODY_RANGE, offset=offset))
        if len(out) == MAX_WINDOWS:
            break
    return np.array(out, dtype=np.int64).reshape(-1, steps)


def vae_means(model, windows_per_piece: list[np.ndarray]) -> np.ndarray:
    """The VAE's posterior mean averaged over each piece's windows (zeros for a piece without any)."""
    import torch

    latent = model.to_mu.out_features
    device = next(model.parameters()).device
    out = np.zeros((len(windows_per_piece), latent), dtype=np.float32)
    with torch.no_grad():
        for k, windows in enumerate(windows_per_piece):
            if len(windows):
                mu, _logvar = model.encode(torch.as_tensor(windows, device=device))
                out[k] = mu.mean(dim=0).cpu().numpy()
    return out


def embed(blocks: dict[str, np.ndarray], weights: dict[str, float] | None = None) -> np.ndarray:
    """Rows of unit norm from per-piece blocks (name -> (pieces, dims)): each dimension standardised over
    the pieces, each block L2-normalised and weighted, the blocks concatenated."""
    weights = weights or BLOCK_WEIGHTS
    parts = []
    for name, values in blocks.items():
        x = np.asarray(values, dtype=np.float64)
        sd = x.std(axis=0)
        x = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        parts.append(weights.get(name, 1.0) * x / np.where(norms > 0, norms, 1.0))
    out = np.concatenate(parts, axis=1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def sound_vector(voices: list[list]) -> np.ndarray:
    """One piece's fingerprint for "sounds like" in the feed, without collection statistics: each note
    block centred on a uniform histogram and L2-normalised, concatenated, unit norm (63 values)."""
    parts = []
    for values in note_features(voices).values():
        x = values - values.mean()
        norm = np.linalg.norm(x)
        parts.append(x / norm if norm > 0 else x)
    out = np.concatenate(parts)
    norm = np.linalg.norm(out)
    return (out / norm if norm > 0 else out).astype(np.float32)


def sound_block(fingerprints: np.ndarray, latents: np.ndarray, vae_weight: float = 0.25) -> np.ndarray:
    """The live feed's sound vectors (rows of unit norm, zero for items without notes): each item's
    fingerprint (:func:`sound_vector`, or a zero row) beside its melody-VAE latent mean (or a zero row),
    the latents centred on the mean of the items that have one and L2-normalised, weighted by
    ``vae_weight``, then the row scaled to unit norm. The default weight is the best of 1, 0.5 and 0.25 on
    the "sounds like" benchmark (``benchmarks/recommender_content.py``, RESULTS.md)."""
    fingerprints = np.asarray(fingerprints, dtype=np.float64)
    latents = np.asarray(latents, dtype=np.float64)
    has_latent = np.abs(latents).sum(axis=1) > 0
    centred = np.zeros_like(latents)
    if has_latent.any():
        centred[has_latent] = latents[has_latent] - latents[has_latent].mean(axis=0)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    centred = vae_weight * np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 0)
    out = np.concatenate([fingerprints, centred], axis=1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0).astype(np.float32)
