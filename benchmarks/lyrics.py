"""Lyric analysis benchmark: emotion accuracy on the validation split, song latency, batch throughput.

    .venv/bin/python benchmarks/lyrics.py [--data ../shared/data/emotion-dair] [--threads 1]
                                          [--skip-accuracy] [--append benchmarks/RESULTS.md]

Prints markdown tables:
1. emotion accuracy and macro-F1 on the 2,000 validation texts for the baseline (linear head on
   frozen MiniLM) and the default (fine-tuned top layers), both as shipped;
2. the time to analyse a 60-line song once the models are loaded (median of 5 runs, with and
   without explanations) and the lines per second of a batch of 10 different 60-line songs.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from perception.lyrics.analysis.analyze import Analyzer  # noqa: E402
from perception.lyrics.analysis.emotion import LABELS, EmotionClassifier  # noqa: E402
from perception.lyrics.analysis.training import DEFAULT_DATA, metrics, read_split  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# Songs made for the benchmark from word lists (nothing from a published song): 45 distinct verse
# lines and a 5-line chorus sung three times, i.e. 60 lines with a chorus's usual repetition.
SUBJECTS = ["I", "You", "We", "She", "The city", "My heart", "The river", "Your shadow", "The radio", "Nobody"]
VERBS = ["remember", "carry", "whisper", "lose", "follow", "paint", "break", "hold", "forget", "chase"]
OBJECTS = ["the letters", "a quiet song", "the winter light", "your name", "the last train", "a paper boat",
           "the open door", "the morning rain", "our old house", "the burning stars"]
PLACES = ["tonight", "in the dark", "by the sea", "on the highway", "in the rain", "till the dawn",
          "across the town", "under neon", "in my dreams", "without you"]
CHORUS = [
    "Hold on, hold on, the night is almost through",
    "I'm running home, I'm running back to you",
    "Hold on, hold on, the light is breaking through",
    "I'm so happy when the sky is turning blue",
    "Hold on, hold on, hold on",
]


def sixty_line_song(seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    lines = set()
    while len(lines) < 45:
        lines.add(" ".join(str(rng.choice(words)) for words in (SUBJECTS, VERBS, OBJECTS, PLACES)))
    verses = sorted(lines)
    rng.shuffle(verses)
    parts = []
    for n in range(3):
        parts.append(f"[Verse {n + 1}]\n" + "\n".join(verses[n * 15 : (n + 1) * 15]))
        parts.append("[Chorus]\n" + "\n".join(CHORUS))
    return "\n\n".join(parts)


def accuracy_rows(data: Path) -> list[list[str]]:
    texts, gold = read_split(data / "val.txt")
    rows = []
    for variant in ("baseline", "default"):
        classifier = EmotionClassifier.load(variant)
        started = time.perf_counter()
        results = classifier.predict(texts, explain=False)
        seconds = time.perf_counter() - started
        pred = np.array([LABELS.index(r.label) for r in results])
        m = metrics(gold, pred)
        rows.append([variant, classifier.meta.get("variant", variant), f"{m['accuracy']:.4f}",
                     f"{m['macro_f1']:.4f}", f"{len(texts) / seconds:.0f}"])
    return rows


def speed_rows(analyzer: Analyzer) -> list[list[str]]:
    song = sixty_line_song()
    analyzer.analyze(song)  # warm every lexicon and tokenizer
    rows = []
    for explain in (True, False):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            report = analyzer.analyze(song, explain=explain)
            times.append(time.perf_counter() - started)
        lines = len(report["lines"])
        rows.append([f"one {lines}-line song{'' if explain else ', no explanations'}",
                     f"{statistics.median(times):.3f} s", f"{lines / statistics.median(times):.0f}"])
    batch = [sixty_line_song(seed) for seed in range(1, 11)]
    for explain in (True, False):
        started = time.perf_counter()
        reports = analyzer.analyze_batch(batch, explain=explain)
        seconds = time.perf_counter() - started
        lines = sum(len(r["lines"]) for r in reports)
        rows.append([f"batch of {len(batch)} songs{'' if explain else ', no explanations'}",
                     f"{seconds:.3f} s", f"{lines / seconds:.0f}"])
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--append", type=Path, help="append the tables to this RESULTS.md under '## Lyrics'")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    sections = []
    if not args.skip_accuracy:
        sections.append("Emotion on the validation split (2,000 texts, 6 labels)\n\n" + table(
            ["model", "checkpoint", "accuracy", "macro-F1", "texts/s"], accuracy_rows(args.data)))
    started = time.perf_counter()
    analyzer = Analyzer()
    load = time.perf_counter() - started
    sections.append(f"Speed after loading (load took {load:.1f} s)\n\n" + table(
        ["what", "time", "lines/s"], speed_rows(analyzer)))
    device = "cuda" if torch.cuda.is_available() else f"CPU, {args.threads} torch thread(s)"
    text = "\n\n".join(sections)
    print(text)
    if args.append:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        command = "python benchmarks/lyrics.py " + " ".join(sys.argv[1:])
        block = (f"\n### {stamp} · 2-core CPU, 24 GiB (shared) · {device} · Python {platform.python_version()}\n\n"
                 f"`{command}`\n\n{text}\n")
        existing = args.append.read_text() if args.append.exists() else ""
        if "## Lyrics" not in existing:
            block = "\n## Lyrics\n" + block
            args.append.write_text(existing + block)
        else:  # insert at the end of the Lyrics section
            head, _, tail = existing.partition("## Lyrics")
            next_section = tail.find("\n## ", 1)
            if next_section == -1:
                args.append.write_text(existing.rstrip("\n") + "\n" + block)
            else:
                args.append.write_text(head + "## Lyrics" + tail[:next_section].rstrip("\n") + "\n" + block
                                       + tail[next_section:])


if __name__ == "__main__":
    main()
