"""Studio models against the issue's goals: quality (VAE onset accuracy per metre, 16-bar reconstruction,
mgeval overlap and bar repetition of samples on the validation works of the music21 corpus; the GAN rows
of benchmarks/studio_harmony.py) and CPU speed.

    OMP_NUM_THREADS=1 python benchmarks/studio_models.py [--windows 300] [--samples 300]
        [--models vae gan] [--partial-data] [--model-dir studio/checkpoints] [--append] [--json out.json]

Speed figures are medians of 5 timed runs after one warm-up, on the CPU with one torch thread.
``--append`` adds the table to benchmarks/RESULTS.md under "## Studio models".
"""
import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from studio.ml.checkpoints import FILENAMES, load_checkpoint  # noqa: E402
from studio.training.data import load_windows  # noqa: E402
from studio.training.evaluate import corpus_validation_windows, evaluate_vae  # noqa: E402
from studio_harmony import gan_rows, table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, runs: int = 5, clock=time.perf_counter) -> float:
    """Median milliseconds of ``fn`` over ``runs`` calls after one warm-up call, by ``clock``
    (wall time by default; ``time.process_time`` gives this process's CPU time, which the other
    jobs on a shared machine do not inflate)."""
    fn()
    times = []
    for _ in range(runs):
        t = clock()
        fn()
        times.append((clock() - t) * 1000)
    return statistics.median(times)


def within(value: float, reference: float, share: float = 0.25) -> bool:
    return abs(value - reference) <= share * abs(reference)


def vae_rows(vae, sets, windows: int, samples: int) -> list[tuple[str, str, float, bool]]:
    """The melody VAE against the issue's goals, per metre where the goal is per metre."""
    v = evaluate_vae(vae, corpus_validation_windows(sets), windows, samples)
    rows = []
    for metre, floor in (("4/4", 0.92), ("6/8", 0.88), ("3/4", 0.88)):
        value = v["by_metre"].get(metre, {}).get("onset_accuracy_4bar", float("nan"))
        rows.append((f"VAE onset accuracy, 4-bar, {metre}", f">= {floor}", value, value >= floor))
    for metre, figures in sorted(v["by_metre"].items()):
        if metre not in ("4/4", "6/8", "3/4") and "onset_accuracy_4bar" in figures:
            rows.append((f"VAE onset accuracy, 4-bar, {metre}", "-", figures["onset_accuracy_4bar"], True))
    rows += [
        ("VAE onset accuracy, 16-bar (all metres)", ">= 0.80", v["onset_accuracy_16bar"], v["onset_accuracy_16bar"] >= 0.8),
        ("VAE onset accuracy, 2-bar (all metres)", "-", v["onset_accuracy"], True),
        ("VAE token accuracy, 4-bar (all metres)", "-", v["reconstruction_accuracy_4bar"], True),
        ("VAE exact windows, 4-bar", "-", v["exact_window_rate_4bar"], True),
        ("VAE exact windows, 16-bar", "-", v["exact_window_rate_16bar"], True),
        ("VAE sample overlap-area mean (mgeval)", ">= 0.85", v["overlap_area_mean"], v["overlap_area_mean"] >= 0.85),
        ("VAE sample overlap, average interval", ">= 0.85", v["overlap_area"]["average_interval"],
         v["overlap_area"]["average_interval"] >= 0.85),
        (f"VAE 16-bar samples' bar repetition (data {v['bar_repetition_rate_16bar_data']:.3f})", "within 25% of data",
         v["bar_repetition_rate_16bar_samples"],
         within(v["bar_repetition_rate_16bar_samples"], v["bar_repetition_rate_16bar_data"])),
        ("  random-init VAE onset accuracy, 4-bar", "(baseline)", v["random_init"]["onset_accuracy_4bar"], True),
    ]
    gen = torch.Generator().manual_seed(0)
    one_wall = timed(lambda: vae.sample(1, 16, "4/4", generator=gen))
    one_cpu = timed(lambda: vae.sample(1, 16, "4/4", generator=gen), clock=time.process_time)
    jig_cpu = timed(lambda: vae.sample(1, 16, "6/8", generator=gen), clock=time.process_time)
    rows += [
        ("one 16-bar 4/4 VAE sketch (ms wall)", "< 100", one_wall, one_wall < 100),
        ("  same, process CPU time (ms)", "< 100", one_cpu, one_cpu < 100),
        ("one 16-bar 6/8 VAE sketch, process CPU time (ms)", "< 100", jig_cpu, jig_cpu < 100),
    ]
    return rows


def run(model_dir: Path, windows: int, samples: int, models=("vae", "gan"),
        partial: bool = False) -> list[tuple[str, str, float, bool]]:
    """Rows of (measure, goal, value, met)."""
    cpu = torch.device("cpu")
    sets, _, _ = load_windows(progress=False, partial=partial)
    rows = []
    for kind in models:
        load_ms = timed(lambda: load_checkpoint(model_dir / FILENAMES[kind], cpu), runs=3)
        model, _ = load_checkpoint(model_dir / FILENAMES[kind], cpu)
        rows += vae_rows(model, sets, windows, samples) if kind == "vae" else gan_rows(model, samples)
        rows.append((f"load {kind.upper()} checkpoint (ms)", "< 1000", load_ms, load_ms < 1000))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default=str(ROOT / "studio" / "checkpoints"))
    parser.add_argument("--windows", type=int, default=300, help="VAE: per metre and window length")
    parser.add_argument("--models", nargs="+", choices=["vae", "gan"], default=["vae", "gan"])
    parser.add_argument("--partial-data", action="store_true", help="the corpus shards parsed so far")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--append", action="store_true")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = run(Path(args.model_dir), args.windows, args.samples, args.models, args.partial_data)
    text = table(rows)
    print(text)
    print("load average:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    if args.json:
        Path(args.json).write_text(json.dumps([dict(zip(("measure", "goal", "value", "met"), r)) for r in rows], indent=1))
    if args.append:
        results = ROOT / "benchmarks" / "RESULTS.md"
        command = "OMP_NUM_THREADS=1 python benchmarks/studio_models.py " + " ".join(sys.argv[1:])
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        block = (f"\n## Studio models\n\n{dt.date.today().isoformat()}, machine: 2-core CPU box, shared (load "
                 f"average {load} at the end), one torch thread.\n\n`{command}`\n\n{text}\n")
        with results.open("a") as fh:
            fh.write(block)


if __name__ == "__main__":
    main()
