"""Evaluation of the melody VAE on held-out corpus windows or a folder of the user's own scores (the
harmony GAN's is :mod:`studio.training.evaluate_gan`).

Every report carries the trained model's figures beside a randomly initialised model of the same
configuration (``random_init``), so a reader sees what training bought.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

from studio.ml.checkpoints import build_model
from studio.music.encoding import MELODY_RANGE
from studio.music.errors import ScoreError
from studio.music.score import SUPPORTED_METRES, steps_per_bar
from studio.training.data import WINDOW_HOPS, chorale_windows, line_windows, melody_set_name
from studio.training.metrics import (bar_repetition_rate, chord_tone_rate, exact_window_rate, mgeval_overlap,
                                     onset_accuracy, token_accuracy)

SCORE_SUFFIXES = {".mid", ".midi", ".xml", ".musicxml", ".mxl", ".abc"}


def folder_windows(folder: Path) -> tuple[dict[tuple[str, int], np.ndarray], np.ndarray]:
    """Melody windows of every readable score in ``folder`` (voice 0, or the top line) in the score's
    own metre, as ``{(metre, bars): tokens}`` for 2, 4, 8 and 16 bars, and the four-voice 4-bar windows
    of its 4/4 and 2/2 chorales; unreadable files and unsupported metres are skipped."""
    from studio.music.io import load_score

    melody: dict[tuple[str, int], list] = {}
    chorales = []
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix.lower() not in SCORE_SUFFIXES:
            continue
        try:
            score = load_score(path, path.name)
        except ScoreError:
            continue
        for bars, hop in WINDOW_HOPS.items():
            melody.setdefault((score.metre, bars), []).extend(
                t for t, _codes in line_windows(score.voice_notes(0), bars, hop, score.metre))
        if len(score.voices) == 4 and score.steps_per_bar == 16:
            chorales += chorale_windows([score.voice_notes(v) for v in range(4)])
    tokens = {key: np.stack(rows).astype(np.int64) for key, rows in melody.items() if rows}
    return tokens, (np.stack(chorales).astype(np.int64) if chorales else np.zeros((0, 4, 64), dtype=np.int64))


def corpus_validation_windows(sets: dict) -> dict[tuple[str, int], np.ndarray]:
    """``{(metre, bars): tokens}`` of the validation split's melody windows."""
    out = {}
    for metre in SUPPORTED_METRES:
        for bars in WINDOW_HOPS:
            found = sets.get(melody_set_name(bars, metre, "valid"))
            if found is not None and len(found):
                out[(metre, bars)] = found.tokens.astype(np.int64)
    return out


def _subset(tokens: np.ndarray, limit: int, seed: int = 0) -> np.ndarray:
    if len(tokens) <= limit:
        return tokens.astype(np.int64)
    return tokens[np.random.default_rng(seed).permutation(len(tokens))[:limit]].astype(np.int64)


def _suffix(bars: int) -> str:
    return "" if bars == 2 else f"_{bars}bar"


@torch.no_grad()
def _reconstruct(model, tokens: np.ndarray, metre: str, batch: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Greedy reconstructions from the posterior mean (no chords) and teacher-forced predictions."""
    bars = tokens.shape[1] // steps_per_bar(metre)
    recon, tf = [], []
    for i in range(0, len(tokens), batch):
        x = torch.from_numpy(tokens[i:i + batch]).to(model.device)
        mu, _ = model.encode(x)
        recon.append(model.decode(mu, bars, metre).cpu().numpy())
        tf.append(model.teacher_forced_logits(mu, x, metre).argmax(-1).cpu().numpy())
    return np.concatenate(recon), np.concatenate(tf)


def reconstruction_scores(model, windows: dict[tuple[str, int], np.ndarray]) -> dict:
    """Per window length over all metres, and ``by_metre``: token, teacher-forced and onset accuracy
    and the exact-window rate of greedy reconstructions from the posterior mean."""
    pooled: dict[int, dict[str, list]] = {}
    by_metre: dict[str, dict] = {}
    for (metre, bars), tokens in sorted(windows.items()):
        recon, tf = _reconstruct(model, tokens, metre)
        figures = {"reconstruction_accuracy": token_accuracy(recon, tokens),
                   "teacher_forced_accuracy": token_accuracy(tf, tokens),
                   "onset_accuracy": onset_accuracy(recon, tokens),
                   "exact_window_rate": exact_window_rate(recon, tokens)}
        entry = by_metre.setdefault(metre, {})
        entry["windows" + _suffix(bars)] = int(len(tokens))
        entry.update({name + _suffix(bars): value for name, value in figures.items()})
        pool = pooled.setdefault(bars, {"recon": [], "target": [], "tf": []})
        pool["recon"] += list(recon)
        pool["target"] += list(tokens)
        pool["tf"] += list(tf)
    out: dict = {}
    for bars, pool in sorted(pooled.items()):
        flat = lambda rows: np.concatenate([np.ravel(r) for r in rows])  # noqa: E731
        out["windows" + _suffix(bars)] = len(pool["target"])
        out["reconstruction_accuracy" + _suffix(bars)] = token_accuracy(flat(pool["recon"]), flat(pool["target"]))
        out["teacher_forced_accuracy" + _suffix(bars)] = token_accuracy(flat(pool["tf"]), flat(pool["target"]))
        out["onset_accuracy" + _suffix(bars)] = onset_accuracy(flat(pool["recon"]), flat(pool["target"]))
        out["exact_window_rate" + _suffix(bars)] = exact_window_rate(pool["recon"], pool["target"])
    out["by_metre"] = by_metre
    return out


@torch.no_grad()
def sample_scores(model, windows: dict[tuple[str, int], np.ndarray], samples: int = 500, seed: int = 0) -> dict:
    """Prior samples against the data: mgeval overlap areas of 2-bar samples (as many per metre as the
    reference has windows of that metre) and the bar-repetition rate of 16-bar samples against the
    data's 16-bar windows (both over all metres)."""
    gen = torch.Generator().manual_seed(seed)
    two = {m: t for (m, b), t in windows.items() if b == 2}
    total = sum(len(t) for t in two.values())
    reference, generated = [], []
    for metre, tokens in sorted(two.items()):
        n = max(1, round(samples * len(tokens) / total)) if total else 0
        reference += list(_subset(tokens, n, seed))
        generated += list(model.sample(n, 2, metre, generator=gen).cpu().numpy())
    out: dict = {}
    if reference:
        overlap = mgeval_overlap(reference, generated, MELODY_RANGE)
        out["overlap_area_mean"] = overlap.pop("mean")
        out["overlap_area"] = overlap
    data_rep, sample_rep, count = [], [], []
    for (metre, bars), tokens in sorted(windows.items()):
        if bars != 16:
            continue
        n = min(len(tokens), 64)
        rows = model.sample(n, 16, metre, generator=gen).cpu().numpy()
        data_rep.append(bar_repetition_rate(_subset(tokens, n, seed), steps_per_bar(metre)))
        sample_rep.append(bar_repetition_rate(rows, steps_per_bar(metre)))
        count.append(n)
    if count:
        out["bar_repetition_rate_16bar_data"] = float(np.average(data_rep, weights=count))
        out["bar_repetition_rate_16bar_samples"] = float(np.average(sample_rep, weights=count))
    return out


@torch.no_grad()
def chord_scores(model, progression: str = "C Am F G", bars: int = 8, count: int = 16, seed: int = 0) -> dict:
    """Per metre (4/4, 6/8, 3/4), the chord-tone rate on beats of ``count`` samples over ``progression``
    and of as many samples without chords (same seed)."""
    from studio.music.chords import chord_codes, code_features, parse_progression

    out = {}
    for metre in ("4/4", "6/8", "3/4"):
        chords = parse_progression(progression, metre, bars)
        features = torch.from_numpy(code_features(chord_codes(chords, bars * steps_per_bar(metre)))[None])
        rates = {}
        for name, cond in (("with_chords", features.repeat(count, 1, 1).to(model.device)), ("without_chords", None)):
            tokens = model.sample(count, bars, metre, cond, generator=torch.Generator().manual_seed(seed)).cpu().numpy()
            rates[name] = chord_tone_rate(tokens, chords, metre)
        out[metre] = rates
    return out


def sample_latency_ms(model, bars: int = 16, metre: str = "4/4", runs: int = 5) -> float:
    """Median milliseconds to sample one ``bars``-bar melody on the model's device."""
    gen = torch.Generator().manual_seed(0)
    model.sample(1, bars, metre, generator=gen)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        model.sample(1, bars, metre, generator=gen)
        times.append(1000 * (time.perf_counter() - started))
    return float(np.median(times))


def evaluate_vae(model, windows: dict[tuple[str, int], np.ndarray], limit: int = 300, samples: int = 500,
                 seed: int = 0, baseline: bool = True) -> dict:
    """The VAE report: reconstruction (all metres and ``by_metre``) from at most ``limit`` windows per
    (metre, bars), prior samples beside it, the 16-bar sampling latency and ``random_init`` for an
    untrained twin."""
    model.eval()
    windows = {key: _subset(tokens, limit, seed) for key, tokens in windows.items() if len(tokens)}
    report = reconstruction_scores(model, windows)
    report.update(sample_scores(model, windows, samples, seed))
    report["chord_tone_rate_on_beats"] = chord_scores(model, seed=seed)
    report["sample_16bar_ms"] = sample_latency_ms(model)
    if baseline:
        torch.manual_seed(seed)
        twin = build_model("vae", model.config.to_dict()).to(model.device).eval()
        short = {key: tokens for key, tokens in windows.items() if key[1] <= 4}
        report["random_init"] = {k: v for k, v in reconstruction_scores(twin, short).items() if k != "by_metre"}
    return report
