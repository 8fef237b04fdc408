"""Song mood in Russell's circumplex: valence x arousal -> happy / angry / sad / relaxed.

Each line is placed from its emotion scores (every label has a position in the circumplex)
and its sentiment; the song is the mean of its lines. The confidence is a logistic function
of two pieces of evidence (how far the song sits from the quadrant borders and how many
lines agree with the song's quadrant), fitted on pseudo-songs built from the labelled
validation texts (see ``calibrate`` and MODEL_CARD.md).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from .emotion import CHECKPOINT_DIR, LABELS

# Positions of the six labels in the circumplex (valence, arousal), in [-1, 1], set by hand
# after Russell (1980): joy is pleasant and active, love pleasant and calm, sadness unpleasant
# and calm, anger and fear unpleasant and active, surprise active and slightly pleasant.
POSITIONS: dict[str, tuple[float, float]] = {
    "joy": (0.8, 0.45),
    "love": (0.7, -0.3),
    "surprise": (0.25, 0.7),
    "sadness": (-0.75, -0.5),
    "anger": (-0.7, 0.75),
    "fear": (-0.6, 0.6),
}
QUADRANTS = {(True, True): "happy", (False, True): "angry", (False, False): "sad", (True, False): "relaxed"}
GOLD_QUADRANT = {"joy": "happy", "surprise": "happy", "love": "relaxed", "sadness": "sad",
                 "anger": "angry", "fear": "angry"}
CALIBRATION_FILE = "mood_calibration.json"
SENTIMENT_WEIGHT = 0.4


def line_position(scores: dict[str, float], sentiment: float, exclamations: int = 0) -> tuple[float, float]:
    valence = sum(scores.get(k, 0.0) * v for k, (v, _) in POSITIONS.items())
    arousal = sum(scores.get(k, 0.0) * a for k, (_, a) in POSITIONS.items())
    valence = (1 - SENTIMENT_WEIGHT) * valence + SENTIMENT_WEIGHT * sentiment
    arousal = arousal + min(0.3, 0.1 * exclamations)
    return max(-1.0, min(1.0, valence)), max(-1.0, min(1.0, arousal))


def quadrant(valence: float, arousal: float) -> str:
    return QUADRANTS[(valence >= 0, arousal >= 0)]


def features(positions: list[tuple[float, float]]) -> tuple[float, float, float, float, str]:
    """(valence, arousal, margin to the nearest border, share of agreeing lines, quadrant)."""
    v = float(np.mean([p[0] for p in positions]))
    a = float(np.mean([p[1] for p in positions]))
    q = quadrant(v, a)
    agree = sum(1 for p in positions if quadrant(*p) == q) / len(positions)
    return v, a, min(abs(v), abs(a)), agree, q


def load_calibration(folder: Path | None = None) -> dict | None:
    path = Path(folder or CHECKPOINT_DIR) / CALIBRATION_FILE
    return json.loads(path.read_text()) if path.exists() else None


def _logistic(coef: list[float], margin: float, agree: float) -> float:
    z = coef[0] + coef[1] * margin + coef[2] * agree
    return 1.0 / (1.0 + math.exp(-z))


def song_mood(positions: list[tuple[float, float]], calibration: dict | None) -> dict:
    if not positions:
        return {"quadrant": "unknown", "valence": 0.0, "arousal": 0.0, "confidence": 0.0}
    v, a, margin, agree, q = features(positions)
    if calibration:
        confidence = _logistic(calibration["coef"], margin, agree)
    else:  # uncalibrated fallback: evidence scaled to [0.25, 1]
        confidence = 0.25 + 0.75 * agree * math.tanh(margin / 0.2)
    # Very short songs carry little evidence whatever the model says.
    confidence *= min(1.0, 0.5 + len(positions) / 8)
    confidence = min(0.99, confidence)  # fitted on tweets: never claim certainty about a lyric
    return {"quadrant": q, "valence": round(v, 4), "arousal": round(a, 4), "confidence": round(confidence, 4)}


def calibrate(scores: np.ndarray, sentiments: np.ndarray, gold: np.ndarray, songs: int = 1500,
              lines: tuple[int, int] = (6, 30), seed: int = 7) -> dict:
    """Fit the confidence on pseudo-songs drawn from labelled texts.

    Each pseudo-song mixes lines of one quadrant (a share drawn from 0.4-1.0) with random
    other lines; the song's gold quadrant is the dominant one. A logistic regression maps
    (margin, agreement) to P(predicted quadrant == gold). Returns the coefficients and the
    expected calibration error (ECE, 10 bins) before (raw fallback) and after fitting.
    """
    rng = np.random.default_rng(seed)
    gold_q = np.array([GOLD_QUADRANT[LABELS[g]] for g in gold])
    positions = [line_position(dict(zip(LABELS, s)), float(t)) for s, t in zip(scores, sentiments)]
    by_quadrant = {q: np.flatnonzero(gold_q == q) for q in set(gold_q)}
    rows, hits, raw = [], [], []
    for _ in range(songs):
        target = rng.choice(sorted(by_quadrant))
        n = int(rng.integers(lines[0], lines[1] + 1))
        k = max(1, int(round(n * rng.uniform(0.4, 1.0))))
        idx = list(rng.choice(by_quadrant[target], size=k)) + list(rng.integers(0, len(gold), size=n - k))
        v, a, margin, agree, q = features([positions[i] for i in idx])
        rows.append((margin, agree))
        hits.append(float(q == target))
        raw.append(song_mood([positions[i] for i in idx], None)["confidence"])
    x = np.array(rows)
    y = np.array(hits)
    coef = _fit_logistic(x, y)
    fitted = np.array([_logistic(coef, m, g) for m, g in rows])
    return {
        "coef": [round(c, 5) for c in coef],
        "songs": songs,
        "quadrant_accuracy": round(float(y.mean()), 4),
        "ece_raw": round(_ece(np.array(raw), y), 4),
        "ece_calibrated": round(_ece(fitted, y), 4),
        "mean_confidence": round(float(fitted.mean()), 4),
        "method": "logistic regression on (margin, agreement) over pseudo-songs from the validation split",
    }


def _fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 3000, lr: float = 0.5) -> list[float]:
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        w -= lr * (xb.T @ (p - y) / len(y) + 1e-4 * w)
    return [float(c) for c in w]


def _ece(conf: np.ndarray, hit: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf >= lo) & (conf < hi if hi < 1 else conf <= hi)
        if mask.any():
            total += mask.mean() * abs(conf[mask].mean() - hit[mask].mean())
    return float(total)
