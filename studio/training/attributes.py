"""Statistics of the MelodyVAE latent space from the training windows: attribute vectors (MusicVAE
section 5.3: for each attribute, the mean posterior of the windows in its top quartile minus that of its
bottom quartile) and the fitted latent prior new melodies are drawn from."""
from __future__ import annotations

import numpy as np
import torch

from studio.music.encoding import MELODY_RANGE, decode_line

# Krumhansl-Kessler key profiles (major, minor), from C.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
ATTRIBUTES = ("note_density", "pitch_height", "major_feel")


def major_feel(pitches: list[int]) -> float:
    """Best major-profile correlation minus best minor-profile correlation of a pitch-class
    histogram (positive: sounds major)."""
    hist = np.bincount(np.asarray(pitches) % 12, minlength=12).astype(float)
    if hist.std() == 0:
        return 0.0
    best = {}
    for name, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
        best[name] = max(np.corrcoef(hist, np.roll(profile, t))[0, 1] for t in range(12))
    return float(best["major"] - best["minor"])


def window_attributes(tokens: np.ndarray) -> np.ndarray:
    """``(len(ATTRIBUTES),)`` values of one token window: notes per bar, mean pitch, major feel."""
    notes = decode_line(tokens, MELODY_RANGE)
    if not notes:
        return np.zeros(len(ATTRIBUTES))
    pitches = [n.pitch for n in notes]
    return np.array([len(notes) / (len(tokens) / 16), float(np.mean(pitches)), major_feel(pitches)])


@torch.no_grad()
def posterior_means(model, tokens: np.ndarray, device, batch: int = 512) -> torch.Tensor:
    """Posterior means of ``tokens`` (rows of one window length), on the CPU."""
    was_training = model.training
    model.eval()
    mus = torch.cat([model.encode(torch.from_numpy(tokens[i:i + batch]).long().to(device))[0].cpu()
                     for i in range(0, len(tokens), batch)])
    model.train(was_training)
    return mus


def fit_latent_prior(model, buckets: dict, device, limit: int = 1000, min_windows: int = 32, seed: int = 0):
    """``(keys, weights, means, scale_trils)``: a kernel prior for each ``(metre, bars)`` bucket
    (``buckets`` maps them to window sets with ``tokens``) of at least ``min_windows`` windows. Its
    components are centred on the posterior means of ``config.prior_components`` random training
    windows, with equal weights, and share one covariance: the covariance of the posterior means of up
    to ``limit`` windows, scaled by ``config.prior_bandwidth`` squared. A sample is thus near a real
    window's code, where the decoder writes tunes like the data, not in the holes between them that a
    few broad Gaussians fill (those samples leapt 3.9 semitones a note against the data's 2.2)."""
    latent, k, bandwidth = model.config.latent, model.config.prior_components, model.config.prior_bandwidth
    keys, weights, means, trils = [], [], [], []
    for (metre, bars), windows in sorted(buckets.items()):
        tokens = windows.tokens
        if len(tokens) < min_windows:
            continue
        rows = tokens[np.random.default_rng(seed).permutation(len(tokens))[:max(limit, k)]].astype(np.int64)
        mus = posterior_means(model, rows, device).double().numpy()
        spread = np.cov(mus[:limit].T) + 1e-6 * np.eye(latent)
        centres = min(k, len(mus))
        w = np.zeros(k)
        w[:centres] = 1.0 / centres
        m = np.zeros((k, latent))
        m[:centres] = mus[:centres]
        keys.append(f"{metre}:{bars}")
        weights.append(w), means.append(m), trils.append(bandwidth * np.linalg.cholesky(spread))
    if not keys:
        return [], torch.zeros(0, k), torch.zeros(0, k, latent), torch.zeros(0, latent, latent)
    as_tensor = lambda items: torch.from_numpy(np.stack(items)).float()  # noqa: E731
    return keys, as_tensor(weights), as_tensor(means), as_tensor(trils)


@torch.no_grad()
def compute_attribute_vectors(model, tokens: np.ndarray, device, limit: int = 1000, seed: int = 0):
    """``(names, vectors)`` with one latent direction per attribute, from up to ``limit`` windows."""
    rng = np.random.default_rng(seed)
    rows = tokens[rng.permutation(len(tokens))[:limit]]
    if len(rows) < 8:
        return list(ATTRIBUTES), torch.zeros(len(ATTRIBUTES), model.config.latent)
    mus = posterior_means(model, rows, device)
    values = np.stack([window_attributes(t) for t in rows])
    vectors = []
    for j in range(len(ATTRIBUTES)):
        lo, hi = np.quantile(values[:, j], [0.25, 0.75])
        top, bottom = values[:, j] >= hi, values[:, j] <= lo
        if top.all() or bottom.all() or not top.any() or not bottom.any():
            vectors.append(torch.zeros(model.config.latent))
        else:
            vectors.append(mus[torch.from_numpy(top)].mean(0) - mus[torch.from_numpy(bottom)].mean(0))
    return list(ATTRIBUTES), torch.stack(vectors)
