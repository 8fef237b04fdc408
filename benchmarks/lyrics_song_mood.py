"""Song mood on labelled songs: is the song-level model right about valence and quadrant, and honest?

    .venv/bin/python benchmarks/lyrics_song_mood.py [--threads 1] [--json] [--save]

Data: the 96 labelled songs in perception/lyrics/data/mood_songs/ (see its README). Every third song of
each quadrant (32) is the held-out test part; the rest (64) is the only thing any model is fitted or
calibrated on. A second table repeats the fitted models in 5-fold cross-validation over all 96 songs.

Rows, all in the same run on the same line analysis:
* VADER only: valence = sign of the mean VADER compound of the lines; arousal = mean |compound| above
  the threshold that is best on the training part.
* shipped before (the analyser as it was at ``--old-ref``, run from ``git archive`` in a subprocess):
  the mean of the line positions in the circumplex, on that version's line analysis;
* v1 aggregator on today's lines: the same mean of line positions on today's line analysis (with the
  negation fixes and the new Chinese lexicon), to separate the line changes from the song model.
* MiniLM + logistic: the mean all-MiniLM-L6-v2 embedding of the lines, logistic regression
  (scikit-learn) per axis, fitted on the training part: the plain in-domain baseline.
* song model: ``perception/lyrics/analysis/song_mood.py``.
Columns: valence, arousal and quadrant accuracy; mean confidence of the chosen quadrant; ECE (10 bins)
of that confidence; the highest quadrant probability given to a neutral, feelingless song.

``--save`` writes the song model fitted on the training part to perception/lyrics/checkpoints/.
"""
from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from perception.lyrics.analysis import mood as mood_v1  # noqa: E402
from perception.lyrics.analysis import song_mood  # noqa: E402
from perception.lyrics.analysis.analyze import Analyzer  # noqa: E402
from perception.lyrics.analysis.sentiment import english_score  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OLD_CODE = """
import json, sys
import torch
torch.set_num_threads(1)
from perception.lyrics.analyze import Analyzer
texts = json.load(sys.stdin)
print(json.dumps([r["mood"] for r in Analyzer().analyze_batch(texts, explain=False)]))
"""
NEUTRAL_SONGS = [  # written for this benchmark: nothing felt, nothing happens
    "[Verse]\nThe bus comes at nine\nThe door is painted green\nThe shop is on the corner\nThe train goes to the city\n"
    "\n[Chorus]\nMonday, Tuesday, Wednesday\nThe kettle is on the stove",
    "The table has four legs\nThe window faces east\nThe letter came on Thursday\nThe road turns to the left",
    "[主歌]\n公交车九点到站\n门是绿色的\n商店在街角\n火车开往城里",
    "Number one\nNumber two\nNumber three",
]


def quadrant_of(valence_positive: bool, arousal_positive: bool) -> str:
    return {(True, True): "happy", (False, True): "angry", (False, False): "sad", (True, False): "relaxed"}[
        (valence_positive, arousal_positive)]


def ece(confidence: np.ndarray, hit: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (confidence >= lo) & ((confidence < hi) if hi < 1 else (confidence <= hi))
        if mask.any():
            total += mask.mean() * abs(confidence[mask].mean() - hit[mask].mean())
    return float(total)


class Songs:
    """The labelled songs analysed once: reports, song-model features, mean embeddings, VADER means."""

    def __init__(self, analyzer: Analyzer, songs: list[song_mood.LabelledSong]):
        self.songs = songs
        self.labels = [s.quadrant for s in songs]
        self.reports = analyzer.analyze_batch([s.text for s in songs], explain=False)
        self.features = np.array([evidence(r).features for r in self.reports])
        self.embeddings = np.array([analyzer.classifier.embed([l["text"] for l in r["lines"]]).mean(0)
                                    for r in self.reports])
        self.vader = np.array([np.mean([english_score(l["text"]) for l in r["lines"]]) for r in self.reports])
        self.analyzer = analyzer


def evidence(report: dict) -> song_mood.SongEvidence:
    return song_mood.song_evidence(report["lines"], {s["index"]: s["kind"] for s in report["sections"]})


def v1_predictions(data: Songs, idx: np.ndarray) -> list[tuple[str, float, bool, bool]]:
    out = []
    for i in idx:
        lines = data.reports[i]["lines"]
        m = mood_v1.song_mood([(l["valence"], l["arousal"]) for l in lines], data.analyzer.calibration)
        out.append((m["quadrant"], m["confidence"], m["valence"] >= 0, m["arousal"] >= 0))
    return out


def shipped_before(ref: str, data: Songs, test: np.ndarray) -> list[tuple[str, float, bool, bool]]:
    """The song moods of the analyser at ``ref`` (its own line analysis and mood), in a fresh process."""
    archive = subprocess.run(["git", "archive", ref, "perception/__init__.py", "perception/lyrics", "motif"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        run = subprocess.run([sys.executable, "-c", OLD_CODE], cwd=folder, input=json.dumps(
            [data.songs[i].text for i in test]), capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONPATH": folder, "OMP_NUM_THREADS": "1"})
    moods = json.loads(run.stdout.strip().splitlines()[-1])
    return [(m["quadrant"], m["confidence"], m["valence"] >= 0, m["arousal"] >= 0) for m in moods]


def vader_predictions(data: Songs, train: np.ndarray, test: np.ndarray) -> list[tuple[str, float, bool, bool]]:
    high = np.array([song_mood.QUADRANT_SIGNS[data.labels[i]][1] > 0 for i in train])
    strength = np.abs(data.vader[train])
    thresholds = np.unique(np.concatenate([[0.0], strength]))
    best = max(thresholds, key=lambda t: ((strength > t) == high).mean())
    return [(quadrant_of(data.vader[i] >= 0, abs(data.vader[i]) > best), 0.25, data.vader[i] >= 0,
             abs(data.vader[i]) > best) for i in test]


def minilm_predictions(data: Songs, train: np.ndarray, test: np.ndarray) -> list[tuple[str, float, bool, bool]]:
    from sklearn.linear_model import LogisticRegression

    probs = []
    for k in (0, 1):
        y = np.array([song_mood.QUADRANT_SIGNS[data.labels[i]][k] > 0 for i in train])
        model = LogisticRegression(max_iter=2000).fit(data.embeddings[train], y)
        probs.append(model.predict_proba(data.embeddings[test])[:, 1])
    out = []
    for pv, pa in zip(*probs):
        q = quadrant_of(pv >= 0.5, pa >= 0.5)
        conf = {"happy": pv * pa, "angry": (1 - pv) * pa, "sad": (1 - pv) * (1 - pa), "relaxed": pv * (1 - pa)}[q]
        out.append((q, float(conf), pv >= 0.5, pa >= 0.5))
    return out


def model_predictions(data: Songs, train: np.ndarray, test: np.ndarray,
                      model: song_mood.SongMoodModel | None = None) -> list[tuple[str, float, bool, bool]]:
    model = model or song_mood.fit(data.features[train], [data.labels[i] for i in train])
    out = []
    for i in test:
        m = model.predict(evidence(data.reports[i]))
        out.append((m["quadrant"], m["confidence"], m["valence"] >= 0, m["arousal"] >= 0))
    return out


def score(data: Songs, test: np.ndarray, predictions) -> dict:
    gold = [data.labels[i] for i in test]
    quadrant_hit = np.array([p[0] == g for p, g in zip(predictions, gold)], dtype=float)
    confidence = np.array([p[1] for p in predictions])
    return {
        "valence": float(np.mean([p[2] == (song_mood.QUADRANT_SIGNS[g][0] > 0) for p, g in zip(predictions, gold)])),
        "arousal": float(np.mean([p[3] == (song_mood.QUADRANT_SIGNS[g][1] > 0) for p, g in zip(predictions, gold)])),
        "quadrant": float(quadrant_hit.mean()),
        "confidence": float(confidence.mean()),
        "ece": ece(confidence, quadrant_hit),
    }


def neutral_max(analyzer: Analyzer, model: song_mood.SongMoodModel | None) -> tuple[float, float]:
    """(highest quadrant probability of the song model, highest v1 confidence) over the neutral songs."""
    reports = analyzer.analyze_batch(NEUTRAL_SONGS, explain=False)
    new = max(max(model.predict(evidence(r))["probabilities"].values()) for r in reports) if model else float("nan")
    old = max(mood_v1.song_mood([(l["valence"], l["arousal"]) for l in r["lines"]], analyzer.calibration)
              ["confidence"] for r in reports)
    return new, old


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    parser.add_argument("--save", action="store_true", help="save the song model fitted on the training part")
    parser.add_argument("--old-ref", default="0ac89c7", help="the commit whose analyser is 'shipped before'")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    analyzer = Analyzer()
    songs = song_mood.load_labelled_songs()
    data = Songs(analyzer, songs)
    test = np.array([i for i, s in enumerate(songs) if s.held_out])
    train = np.array([i for i, s in enumerate(songs) if not s.held_out])
    model = song_mood.fit(data.features[train], [data.labels[i] for i in train],
                          meta={"date": datetime.date.today().isoformat(), "songs": len(train),
                                "data": "perception/lyrics/data/mood_songs (training part)"})
    held_out = {
        "VADER only": score(data, test, vader_predictions(data, train, test)),
        f"shipped before ({args.old_ref}: mean of line positions)": score(
            data, test, shipped_before(args.old_ref, data, test)),
        "v1 aggregator on today's lines": score(data, test, v1_predictions(data, test)),
        "MiniLM mean embedding + logistic": score(data, test, minilm_predictions(data, train, test)),
        "song model": score(data, test, model_predictions(data, train, test, model)),
    }
    cross = {}
    folds = song_mood.stratified_folds(data.labels, 5, seed=1)
    for name, predict in (("VADER only", vader_predictions), ("MiniLM mean embedding + logistic", minilm_predictions),
                          ("song model", model_predictions)):
        rows = []
        for fold in folds:
            fold_train = np.setdiff1d(np.arange(len(songs)), fold)
            rows.append((len(fold), score(data, fold, predict(data, fold_train, fold))))
        cross[name] = {k: sum(n * r[k] for n, r in rows) / len(songs) for k in rows[0][1]}
    neutral_new, neutral_old = neutral_max(analyzer, model)
    verdicts = [(songs[i].kind, model.predict(evidence(data.reports[i]))["verdict"]) for i in test]
    hedged = [kind for kind, verdict in verdicts if verdict in ("mixed", "unclear")]
    subsets = {}
    for kind in ("clear", "mixed"):
        idx = np.array([i for i in test if songs[i].kind == kind])
        subsets[kind] = score(data, idx, model_predictions(data, train, idx, model))
    for language in ("en", "zh"):
        idx = np.array([i for i in test if songs[i].language == language])
        subsets[language] = score(data, idx, model_predictions(data, train, idx, model))
    results = {"held_out": held_out, "cross_validation": cross, "subsets": subsets,
               "neutral_max_probability": {"song model": neutral_new, "v1": neutral_old},
               "hedged_verdicts": {"all": len(hedged), "on_mixed_songs": hedged.count("mixed")},
               "songs": {"train": len(train), "test": len(test)}, "model": model.to_json()}
    if args.save:
        model.save()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    load = os.getloadavg()[0]
    print(f"### Song mood · {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC · "
          f"2-core CPU box, shared (load average {load:.1f}) · {args.threads} torch thread(s) · "
          f"Python {platform.python_version()}\n")
    print(f"Held-out test part: {len(test)} songs (8 per quadrant); models fitted on the other {len(train)}.\n")
    header = "| model | valence | arousal | quadrant | mean confidence | ECE |\n|---|---|---|---|---|---|"
    print(header)
    for name, r in held_out.items():
        print(f"| {name} | {r['valence']:.3f} | {r['arousal']:.3f} | {r['quadrant']:.3f} | "
              f"{r['confidence']:.3f} | {r['ece']:.3f} |")
    print(f"\n5-fold cross-validation over all {len(songs)} songs (each fold's model fitted on the other four):\n")
    print(header)
    for name, r in cross.items():
        print(f"| {name} | {r['valence']:.3f} | {r['arousal']:.3f} | {r['quadrant']:.3f} | "
              f"{r['confidence']:.3f} | {r['ece']:.3f} |")
    print("\nSong model on parts of the held-out songs:\n")
    print("| part | songs | valence | arousal | quadrant |\n|---|---|---|---|---|")
    for name, r in subsets.items():
        n = sum(1 for i in test if name in (songs[i].kind, songs[i].language))
        print(f"| {name} | {n} | {r['valence']:.3f} | {r['arousal']:.3f} | {r['quadrant']:.3f} |")
    print(f"\nNeutral songs ({len(NEUTRAL_SONGS)}): highest quadrant probability — song model {neutral_new:.3f}, "
          f"v1 confidence {neutral_old:.3f}")
    print(f"Verdict 'mixed' or 'unclear' on {len(hedged)} of the {len(test)} held-out songs "
          f"({hedged.count('mixed')} of them written as mixed cases)")
    print(f"Temperatures: valence {model.valence.temperature:.2f}, arousal {model.arousal.temperature:.2f}")


if __name__ == "__main__":
    main()
