"""Studio models against the issue's goals: quality (VAE reconstruction and mgeval overlap on the
validation works of the music21 corpus; the GAN rows of benchmarks/studio_harmony.py) and CPU speed.

    OMP_NUM_THREADS=1 python benchmarks/studio_models.py [--windows 1000] [--samples 300]
        [--model-dir studio/checkpoints] [--append] [--json out.json]

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
from studio.training.evaluate import evaluate_vae  # noqa: E402
from studio_harmony import gan_rows  # noqa: E402

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


def run(model_dir: Path, windows: int, samples: int) -> list[tuple[str, str, float, bool]]:
    """Rows of (measure, goal, value, met)."""
    cpu = torch.device("cpu")
    rows = []
    load_ms = {k: timed(lambda k=k: load_checkpoint(model_dir / FILENAMES[k], cpu), runs=3) for k in ("vae", "gan")}
    vae, _ = load_checkpoint(model_dir / FILENAMES["vae"], cpu)
    gan, _ = load_checkpoint(model_dir / FILENAMES["gan"], cpu)
    sets, _, _ = load_windows(progress=False)
    v = evaluate_vae(vae, sets["melody2_valid"].tokens, sets["melody4_valid"].tokens, windows, samples)
    rows += [
        ("VAE reconstruction accuracy, 2-bar (validation)", ">= 0.90", v["reconstruction_accuracy"],
         v["reconstruction_accuracy"] >= 0.90),
        ("VAE reconstruction accuracy, 4-bar (validation)", ">= 0.80", v["reconstruction_accuracy_4bar"],
         v["reconstruction_accuracy_4bar"] >= 0.80),
        ("VAE teacher-forced accuracy, 2-bar", "-", v["teacher_forced_accuracy"], True),
        ("VAE overlap-area mean (mgeval)", ">= 0.80", v["overlap_area_mean"], v["overlap_area_mean"] >= 0.80),
        ("  random-init VAE reconstruction, 2-bar", "(baseline)", v["random_init"]["reconstruction_accuracy"], True),
        ("  random-init VAE overlap-area mean", "(baseline)", v["random_init"]["overlap_area_mean"], True),
    ]
    rows += gan_rows(gan, samples)
    gen = torch.Generator().manual_seed(0)
    batch_ms = timed(lambda: vae.sample(64, 4, 1.0, generator=gen))
    one_vae = timed(lambda: vae.sample(1, 4, 1.0, generator=gen))
    one_gan = timed(lambda: gan.sample(1, generator=gen))
    batch_cpu = timed(lambda: vae.sample(64, 4, 1.0, generator=gen), clock=time.process_time)
    one_cpu = timed(lambda: vae.sample(1, 4, 1.0, generator=gen), clock=time.process_time)
    rows += [
        ("64 four-bar melodies, one batch (ms wall)", "< 200", batch_ms, batch_ms < 200),
        ("  same, process CPU time (ms)", "< 200", batch_cpu, batch_cpu < 200),
        ("one 4-bar VAE sketch (ms wall)", "< 30", one_vae, one_vae < 30),
        ("  same, process CPU time (ms)", "< 30", one_cpu, one_cpu < 30),
        ("one 4-voice GAN sketch (ms)", "< 30", one_gan, one_gan < 30),
        ("load VAE checkpoint (ms)", "< 1000", load_ms["vae"], load_ms["vae"] < 1000),
        ("load GAN checkpoint (ms)", "< 1000", load_ms["gan"], load_ms["gan"] < 1000),
    ]
    return rows


def table(rows) -> str:
    lines = ["| measure | goal | value | met |", "|---|---|---|---|"]
    for name, goal, value, met in rows:
        verdict = "-" if goal in ("-", "(baseline)") else ("yes" if met else "**no**")
        lines.append(f"| {name} | {goal} | {value:.3f} | {verdict} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default=str(ROOT / "studio" / "checkpoints"))
    parser.add_argument("--windows", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--append", action="store_true")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = run(Path(args.model_dir), args.windows, args.samples)
    text = table(rows)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps([dict(zip(("measure", "goal", "value", "met"), r)) for r in rows], indent=1))
    if args.append:
        results = ROOT / "benchmarks" / "RESULTS.md"
        command = "OMP_NUM_THREADS=1 python benchmarks/studio_models.py " + " ".join(sys.argv[1:])
        block = (f"\n## Studio models\n\n{dt.date.today().isoformat()}, machine: 2-core CPU, 24 GiB (shared with "
                 f"other jobs while measured), one torch thread.\n\n`{command}`\n\n{text}\n")
        with results.open("a") as fh:
            fh.write(block)


if __name__ == "__main__":
    main()
