"""Song mood: valence and arousal of a whole song from its lines, sections and their emotions.

Each line gives a few numbers: its sentiment (VADER / the Chinese lexicon, negation-aware), its emotion
mix placed on Russell's circumplex (valence, arousal and four emotion shares), arousal words and
energy marks (intensifiers, "!", a word sung twice). Emotion numbers count fully only on lines with
evidence of feeling (a sentiment word, an emotion or arousal cue): the line classifier, trained on
tweets, has no "neutral" and calls "the bus comes at nine" fear. A song's features are the means of
its lines' numbers weighted by section role (chorus lines count more than intro lines).

Two logistic models read the features: P(valence > 0) and P(arousal > 0); each is divided by a
temperature fitted on out-of-fold predictions, so the probabilities mean what they say. The four
quadrant probabilities are their products. Where fewer than half the lines carry a cue of feeling
both logits shrink towards 0 in proportion (a song about nothing reads 25 % each, not "92 % angry").
A song whose best quadrant is below ``MIXED_BELOW`` is "mixed" (between the two likeliest quadrants);
one with almost no evidence of feeling is "unclear".

Fitted by ``benchmarks/lyrics_song_mood.py --save`` on the training part of the labelled songs in
``data/mood_songs/`` (see its README); the parameters are JSON. Plain Python + numpy; no Django.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import cues
from .emotion import CHECKPOINT_DIR
from .mood import POSITIONS

MODEL_FILE = "song_mood.json"
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "mood_songs"
QUADRANT_SIGNS = {"happy": (1, 1), "angry": (-1, 1), "sad": (-1, -1), "relaxed": (1, -1)}
SECTION_WEIGHTS = {"chorus": 1.5, "post-chorus": 1.3, "pre-chorus": 1.1, "bridge": 1.0, "verse": 1.0,
                   "stanza": 1.0, "other": 1.0, "outro": 0.8, "intro": 0.6, "interlude": 0.6}
FEATURES = ("sentiment", "emotion_valence", "emotion_arousal", "anger_fear", "sadness", "joy", "love",
            "arousal_words", "energy")
FELT_SENTIMENT = 0.1  # |sentiment| from which a line counts as felt ("Number one" scores 0.08 in VADER)
WEAK_LINE = 0.25  # how much a line without any cue of feeling counts in the emotion features
MIXED_BELOW = 0.40
UNCLEAR_EVIDENCE = 0.2  # below this share of lines with a cue of feeling the song reads "unclear"
FULL_EVIDENCE = 0.5  # below this share the logits shrink towards 0 (50/50): no evidence, no opinion
DECIDING_LINES = 2


def line_features(text: str, sentiment: float, scores: dict[str, float]) -> tuple[np.ndarray, float]:
    """(the line's feature vector, its evidence of feeling in [WEAK_LINE, 1])."""
    arousal_words, found = cues.arousal_cues(text)
    energy = cues.intensity(text)
    emotional = abs(sentiment) >= FELT_SENTIMENT or bool(found) or _has_emotion_word(text)
    evidence = 1.0 if emotional else WEAK_LINE
    valence = sum(scores.get(k, 0.0) * v for k, (v, _) in POSITIONS.items())
    arousal = sum(scores.get(k, 0.0) * a for k, (_, a) in POSITIONS.items())
    emotion = evidence * np.array([valence, arousal, scores.get("anger", 0.0) + scores.get("fear", 0.0),
                                   scores.get("sadness", 0.0), scores.get("joy", 0.0), scores.get("love", 0.0)])
    return np.concatenate([[sentiment], emotion, [arousal_words, energy]]), evidence


def _has_emotion_word(text: str) -> bool:
    from .zh_emotion import ZH_EMOTION_CUES

    words = set(cues.english_words(text))
    return any(words & vocab for vocab in cues.EN_EMOTION_WORDS.values()) or any(
        cue in text for found in ZH_EMOTION_CUES.values() for cue in found)


@dataclass
class SongEvidence:
    """Per-line features and weights of one song (``features`` is their weighted mean)."""

    lines: np.ndarray  # (n, len(FEATURES))
    weights: np.ndarray  # (n,)
    felt: np.ndarray  # (n,) whether each line carries a cue of feeling
    evidence: float  # weighted share of lines with a cue of feeling
    features: np.ndarray = field(init=False)

    def __post_init__(self):
        total = self.weights.sum()
        self.features = (self.weights[:, None] * self.lines).sum(0) / total if total else np.zeros(len(FEATURES))


def song_evidence(lines: list[dict], section_kinds: dict[int, str]) -> SongEvidence:
    """Lines as in the report (``text``, ``sentiment``, ``emotion.scores``, ``section``)."""
    rows, weights, evidence = [], [], []
    for line in lines:
        row, ev = line_features(line["text"], line["sentiment"], line["emotion"]["scores"])
        rows.append(row)
        weights.append(SECTION_WEIGHTS.get(section_kinds.get(line["section"], "verse"), 1.0))
        evidence.append(ev)
    w = np.array(weights, dtype=float)
    felt = np.array(evidence) >= 1.0
    share = float((w * felt).sum() / w.sum()) if len(w) else 0.0
    return SongEvidence(np.array(rows, dtype=float).reshape(-1, len(FEATURES)), w, felt, share)


@dataclass
class Axis:
    """One logistic model over standardised features, with its temperature."""

    coef: np.ndarray  # (len(FEATURES),) on standardised features
    intercept: float
    temperature: float = 1.0

    def logit(self, x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
        return (self.intercept + ((x - mean) / std) @ self.coef) / self.temperature

    def line_logits(self, lines: np.ndarray, weights: np.ndarray, std: np.ndarray) -> np.ndarray:
        """Each line's share of the (tempered) logit, intercept and centring left out."""
        return weights / weights.sum() * (lines / std @ self.coef) / self.temperature


@dataclass
class SongMoodModel:
    valence: Axis
    arousal: Axis
    mean: np.ndarray
    std: np.ndarray
    meta: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ inference
    def probabilities(self, features: np.ndarray, evidence: float = 1.0) -> tuple[float, float, dict[str, float]]:
        """P(valence > 0), P(arousal > 0) and the four quadrants'; weak evidence pulls all towards even."""
        shrink = min(1.0, evidence / FULL_EVIDENCE)
        pv = _sigmoid(shrink * float(self.valence.logit(features, self.mean, self.std)))
        pa = _sigmoid(shrink * float(self.arousal.logit(features, self.mean, self.std)))
        quadrants = {"happy": pv * pa, "angry": (1 - pv) * pa, "sad": (1 - pv) * (1 - pa), "relaxed": pv * (1 - pa)}
        return pv, pa, quadrants

    def predict(self, song: SongEvidence) -> dict:
        """The song's mood for the report: quadrant, verdict, probabilities and the deciding lines."""
        if not len(song.lines):
            return {"quadrant": "unknown", "verdict": "unclear", "valence": 0.0, "arousal": 0.0, "confidence": 0.0,
                    "probabilities": {q: 0.25 for q in QUADRANT_SIGNS}, "evidence": 0.0, "deciding_lines": [],
                    "method": "song-model"}
        pv, pa, probs = self.probabilities(song.features, song.evidence)
        ranked = sorted(probs, key=probs.get, reverse=True)
        best = ranked[0]
        if song.evidence < UNCLEAR_EVIDENCE:
            verdict = "unclear"
        elif probs[best] < MIXED_BELOW:
            verdict = "mixed"
        else:
            verdict = best
        sv, sa = QUADRANT_SIGNS[best]
        pull = (sv * self.valence.line_logits(song.lines, song.weights, self.std)
                + sa * self.arousal.line_logits(song.lines, song.weights, self.std))
        # Only lines that carry a feeling may be named, when there are any.
        named = song.felt if song.felt.any() else np.ones(len(pull), dtype=bool)
        deciding = [int(i) for i in np.argsort(-pull, kind="stable") if pull[i] > 0 and named[i]][: DECIDING_LINES * 4]
        return {
            "quadrant": best,
            "verdict": verdict,
            "between": ranked[:2] if verdict == "mixed" else [],
            "valence": round(2 * pv - 1, 4),
            "arousal": round(2 * pa - 1, 4),
            "confidence": round(probs[best], 4),
            "probabilities": {q: round(p, 4) for q, p in probs.items()},
            "evidence": round(song.evidence, 4),
            "deciding_lines": [] if verdict == "unclear" else deciding,
            "method": "song-model",
        }

    # ------------------------------------------------------------------ files
    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "mean": [round(float(v), 6) for v in self.mean],
            "std": [round(float(v), 6) for v in self.std],
            **{name: {"coef": [round(float(c), 6) for c in axis.coef], "intercept": round(axis.intercept, 6),
                      "temperature": round(axis.temperature, 4)}
               for name, axis in (("valence", self.valence), ("arousal", self.arousal))},
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict) -> "SongMoodModel":
        if data.get("features") != list(FEATURES):
            raise ValueError("song_mood.json was fitted on other features; refit it")
        axes = {name: Axis(np.array(data[name]["coef"], dtype=float), float(data[name]["intercept"]),
                           float(data[name]["temperature"])) for name in ("valence", "arousal")}
        return cls(axes["valence"], axes["arousal"], np.array(data["mean"], dtype=float),
                   np.array(data["std"], dtype=float), data.get("meta", {}))

    def save(self, folder: Path | None = None) -> Path:
        path = Path(folder or CHECKPOINT_DIR) / MODEL_FILE
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")
        return path


def load(folder: Path | None = None) -> SongMoodModel | None:
    path = Path(folder or CHECKPOINT_DIR) / MODEL_FILE
    return SongMoodModel.from_json(json.loads(path.read_text())) if path.exists() else None


def deciding_lines(mood: dict, lines: list[dict]) -> list[int]:
    """The deciding lines' indices, one per distinct text (a chorus sung three times is named once)."""
    seen, out = set(), []
    for i in mood.get("deciding_lines", []):
        key = re.sub(r"\W+", " ", lines[i]["text"].lower()).strip()
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out[:DECIDING_LINES]


# --------------------------------------------------------------------------- fitting
def fit(features: np.ndarray, quadrants: list[str], l2: float = 1.0, folds: int = 5, seed: int = 0,
        meta: dict | None = None) -> SongMoodModel:
    """Fit both axes on labelled songs and their temperatures on out-of-fold logits of the same songs."""
    x = np.asarray(features, dtype=float)
    mean, std = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / std
    axes = {}
    for k, name in enumerate(("valence", "arousal")):
        y = np.array([QUADRANT_SIGNS[q][k] > 0 for q in quadrants], dtype=float)
        coef, intercept = _fit_logistic(z, y, l2)
        out_of_fold = np.zeros(len(y))
        for fold in stratified_folds(quadrants, folds, seed):
            train = np.setdiff1d(np.arange(len(y)), fold)
            m, s = x[train].mean(0), x[train].std(0) + 1e-6
            c, b = _fit_logistic((x[train] - m) / s, y[train], l2)
            out_of_fold[fold] = b + ((x[fold] - m) / s) @ c
        axes[name] = Axis(coef, intercept, _fit_temperature(out_of_fold, y))
    return SongMoodModel(axes["valence"], axes["arousal"], mean, std, meta or {})


def _fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 50) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression by Newton's method (the intercept is not penalised)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + penalty * w
        hess = xb.T @ (xb * (p * (1 - p))[:, None]) + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[1:], float(w[0])


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature (>= 1: never sharpen a small model's guesses) with the least log loss."""
    grid = np.exp(np.linspace(0.0, math.log(10.0), 200))
    losses = [_log_loss(1 / (1 + np.exp(-logits / t)), y) for t in grid]
    return float(grid[int(np.argmin(losses))])


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def stratified_folds(labels: list[str], k: int, seed: int) -> list[np.ndarray]:
    """Stratified folds: each label's songs dealt round the folds in a seeded order."""
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in sorted(set(labels)):
        idx = [i for i, q in enumerate(labels) if q == label]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[j % k].append(i)
    return [np.array(sorted(f)) for f in folds]


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


# --------------------------------------------------------------------------- labelled songs
@dataclass
class LabelledSong:
    id: str
    quadrant: str
    kind: str  # clear or mixed
    language: str
    text: str

    @property
    def held_out(self) -> bool:
        """Every third song of each quadrant is the test part: never used to fit or tune anything."""
        return int(self.id.rsplit("-", 1)[1]) % 3 == 0


def load_labelled_songs(folder: Path | None = None) -> list[LabelledSong]:
    """The songs in ``data/mood_songs/<quadrant>.txt``, each opened by '=== <id> <kind> <language>'."""
    songs = []
    for path in sorted(Path(folder or DATA_DIR).glob("*.txt")):
        for block in path.read_text(encoding="utf-8").split("=== ")[1:]:
            header, _, text = block.partition("\n")
            song_id, kind, language = header.split()
            songs.append(LabelledSong(song_id, path.stem, kind, language, text.strip()))
    return songs
