"""Does the harmony GAN write four-part harmony like the chorales? MuseGAN metrics and voice-leading
(parallels per 100 beats, range, spacing, crossing, repeated notes) of harmonised validation sopranos
beside the validation chorales themselves (every metre), one draw, best of 8 as served (key-aware
decoding and voice-leading repair) and without those two, the chord-tone fit with and without the
chorale's harmony given as chords, a random-init twin, and speed.

    OMP_NUM_THREADS=1 python benchmarks/studio_harmony.py [--samples 256] [--model-dir studio/checkpoints]
        [--json out.json]

``benchmarks/studio_models.py`` prints the same GAN rows beside the VAE's.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from studio.ml.checkpoints import FILENAMES, load_checkpoint  # noqa: E402
from studio.training.chorales import chorale_window_sets, load_chorales  # noqa: E402
from studio.training.evaluate_gan import CANDIDATES, evaluate_gan, harmonize_windows  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VOICE_LEADING = ("in_key_ratio", "parallels_per_100_beats", "parallel_fifths_per_100_beats",
                 "parallel_octaves_per_100_beats", "out_of_range", "spacing", "voice_crossing", "repeated_notes")


def gan_rows(gan, samples: int) -> list[tuple[str, str, float, bool]]:
    """Rows of (measure, goal, value, met) for the GAN on the validation chorales."""
    windows = chorale_window_sets(load_chorales(progress=False)[0])["valid"]
    g = evaluate_gan(gan, windows, samples)
    data, kept = g["data"], g["harmonized_best_of"]
    rows = [(f"GAN free samples: {k} (data {data[k]:.3f})", "within 25% of data", g["generated"][k],
             g["within_25_percent"][k]) for k in ("empty_bars", "used_pitch_classes", "qualified_notes")]
    rows += [("GAN free samples: in-key ratio", "-", g["generated"]["in_key_ratio"], True),
             ("  random-init: in-key ratio", "(baseline)", g["random_init"]["generated"]["in_key_ratio"], True)]
    for k in VOICE_LEADING:
        goal = {"in_key_ratio": ">= 0.92", "parallels_per_100_beats": f"<= {2 * data[k]:.3f} (2 x data)"}.get(k, "-")
        met = kept[k] >= 0.92 if k == "in_key_ratio" else kept[k] <= 2 * data[k]
        rows += [(f"GAN harmonise, best of {CANDIDATES} (served): {k} (chorales {data[k]:.3f})", goal, kept[k], met),
                 (f"  best of {CANDIDATES}, no key-aware decoding, no repair", "-",
                  g["harmonized_best_of_unrepaired"][k], True),
                 ("  one draw", "-", g["harmonized"][k], True),
                 ("  random-init, one draw", "(baseline)", g["random_init"]["harmonized"][k], True)]
    fit = g["chord_tone_fit"]
    rows += [("GAN harmonise: chord-tone fit to the chorale's harmony, one draw", "-", fit["harmonized"], True),
             (f"  best of {CANDIDATES}, no key-aware decoding, no repair, no chords given", "-",
              fit["harmonized_best_of_unrepaired"], True),
             (f"  best of {CANDIDATES} (served), no chords given", "-", fit["harmonized_best_of"], True),
             (f"  best of {CANDIDATES}, the chorale's harmony given as chords", "-",
              fit["harmonized_best_of_with_chords"], True)]
    for metre, m in g["by_metre"].items():
        rows.append((f"GAN harmonise one draw, {metre} ({m['windows']} windows): in-key / parallels per 100 beats",
                     "-", m["in_key_ratio"], True))
        rows.append(("  parallels per 100 beats", "-", m["parallels_per_100_beats"], True))
    gen = torch.Generator().manual_seed(0)
    one = windows.where(np.arange(len(windows)) < 1)
    rows.append((f"harmonise one 64-step window, best of {CANDIDATES} (ms, CPU)", "< 100",
                 timed(lambda: harmonize_windows(gan, one, gen, CANDIDATES)), True))
    rows[-1] = rows[-1][:3] + (rows[-1][2] < 100,)
    return rows


def timed(fn, runs: int = 5) -> float:
    """Median wall milliseconds of ``fn`` over ``runs`` calls after one warm-up."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def table(rows) -> str:
    lines = ["| measure | goal | value | met |", "|---|---|---|---|"]
    for name, goal, value, met in rows:
        verdict = "-" if goal in ("-", "(baseline)") else ("yes" if met else "**no**")
        lines.append(f"| {name} | {goal} | {value:.3f} | {verdict} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default=str(ROOT / "studio" / "checkpoints"))
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    gan, _ = load_checkpoint(Path(args.model_dir) / FILENAMES["gan"], torch.device("cpu"))
    rows = gan_rows(gan, args.samples)
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps([dict(zip(("measure", "goal", "value", "met"), r)) for r in rows], indent=1))


if __name__ == "__main__":
    main()
