"""Chinese line emotions: the old cue lexicon, the new negation-aware one, and the English model.

    .venv/bin/python benchmarks/lyrics_zh_emotion.py [--old-ref 0ac89c7] [--json]

Data: the 240 Chinese lyric lines in perception/lyrics/data/zh_emotion_lines.tsv (40 per emotion,
labelled by their author; see the README there). The old path is the Chinese emotion module as it
was at ``--old-ref`` (read with ``git show``), the new path is the working tree's; both get the line's
sentiment from the working tree's Chinese sentiment lexicon. The English MiniLM classifier as shipped
is the third row (it was never meant for Chinese: it shows why Chinese needs its own path).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import types
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from perception.lyrics.analysis.emotion import LABELS  # noqa: E402
from perception.lyrics.analysis.sentiment import line_sentiment  # noqa: E402
from perception.lyrics.analysis.zh_emotion import chinese_emotion  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "perception" / "lyrics" / "data" / "zh_emotion_lines.tsv"
CHECKS = {"我不怕黑夜有多长": "not fear", "雨夜里不想出门，窗外的街灯很暗，心里却很平静": "not anger"}


def read_lines(path: Path = DATA) -> tuple[list[str], list[str]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return [r[1] for r in rows], [r[0] for r in rows]


def old_path(ref: str):
    """The zh_emotion module as it was at ``ref``, loaded as a module of the lyrics package."""
    source = subprocess.run(["git", "show", f"{ref}:perception/lyrics/zh_emotion.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType("perception.lyrics.analysis.zh_emotion_old")
    module.__package__ = "perception.lyrics.analysis"
    exec(compile(source, f"{ref}:zh_emotion.py", "exec"), module.__dict__)  # noqa: S102 - our own file
    return module.chinese_emotion


def scores(predicted: list[str], gold: list[str]) -> dict:
    accuracy = float(np.mean([p == g for p, g in zip(predicted, gold)]))
    f1s = []
    for label in LABELS:
        tp = sum(p == g == label for p, g in zip(predicted, gold))
        fp = sum(p == label != g for p, g in zip(predicted, gold))
        fn = sum(g == label != p for p, g in zip(predicted, gold))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    per_label = {label: float(np.mean([p == g for p, g in zip(predicted, gold) if g == label])) for label in LABELS}
    return {"accuracy": accuracy, "macro_f1": float(np.mean(f1s)), "per_label": per_label}


def label_of(func, text: str) -> str:
    result, _ = func(text, line_sentiment(text)["score"])
    return max(result, key=result.get)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old-ref", default="0ac89c7", help="the commit whose zh_emotion.py is the old path")
    parser.add_argument("--skip-model", action="store_true", help="leave out the English MiniLM row")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    texts, gold = read_lines()
    old = old_path(args.old_ref)
    rows = {f"old cue lexicon ({args.old_ref})": [label_of(old, t) for t in texts],
            "new negation-aware lexicon": [label_of(chinese_emotion, t) for t in texts]}
    if not args.skip_model:
        from perception.lyrics.analysis.emotion import get_classifier

        rows["English MiniLM model (as shipped)"] = [r.label for r in get_classifier().predict(texts, explain=False)]
    results = {name: scores(pred, gold) for name, pred in rows.items()}
    checks = {text: {"old": label_of(old, text), "new": label_of(chinese_emotion, text)} for text in CHECKS}
    if args.json:
        print(json.dumps({"lines": len(texts), "results": results, "checks": checks}, indent=2, ensure_ascii=False))
        return
    print(f"### Chinese line emotions · {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC · "
          f"2-core CPU box, shared (load average {os.getloadavg()[0]:.1f})\n")
    print(f"{len(texts)} labelled lines (40 per emotion), 6 labels (chance 0.167)\n")
    print("| path | accuracy | macro-F1 | " + " | ".join(LABELS) + " |")
    print("|---|---|---|" + "---|" * len(LABELS))
    for name, r in results.items():
        print(f"| {name} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | "
              + " | ".join(f"{r['per_label'][k]:.2f}" for k in LABELS) + " |")
    print("\n| line | must be | old | new |\n|---|---|---|---|")
    for text, must in CHECKS.items():
        print(f"| {text} | {must} | {checks[text]['old']} | {checks[text]['new']} |")


if __name__ == "__main__":
    main()
