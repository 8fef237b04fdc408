"""How long `manage.py analyze_video` takes in a fresh process, beside PySceneDetect's command line.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/video_startup.py [--seconds 60] [--repeat 3] [--json]

Generates a 854x480, 30 fps clip with a click track (cuts only), then times, each in a new process
and `--repeat` times (the table shows the median and the fastest run): `manage.py analyze_video FILE
--json`, `scenedetect -i FILE detect-adaptive`, Django's set-up alone and `import torch` alone. The
second table lists what Django's set-up imports (`python -X importtime`), heaviest first: every
process (web, worker, command) pays for it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from perception.video.analysis.synthetic import ShotSpec, make_clip  # noqa: E402


def fresh_process(args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one run of ``args`` in a new process."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="motif.settings", OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=tempfile.gettempdir() if args[0].endswith("scenedetect") else ROOT, env=env,
                   capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def setup_imports(limit_ms: float) -> list[tuple[str, float]]:
    """Top-level imports of ``django.setup()`` costing over ``limit_ms`` (cumulative), heaviest first."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="motif.settings", OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import django; django.setup()"], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if name.startswith("  ") or int(cumulative) < limit_ms * 1000:
            continue  # nested, or cheap
        rows.append((name.strip(), int(cumulative) / 1000))
    return sorted(rows, key=lambda row: -row[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the generated clip")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        fps = 30
        lengths = np.resize([45, 75, 30, 90, 60], args.seconds * fps // 60)
        clip = make_clip(Path(tmp) / "startup480.mp4", [ShotSpec(int(n)) for n in lengths], fps=fps,
                         width=854, height=480, bpm=120)
        scenedetect = str(Path(sys.executable).with_name("scenedetect"))
        commands = {
            "manage.py analyze_video FILE --json": [sys.executable, "manage.py", "analyze_video", str(clip.path), "--json"],
            "scenedetect -i FILE detect-adaptive": [scenedetect, "-i", str(clip.path), "detect-adaptive"],
            "python -c 'import django; django.setup()'": [sys.executable, "-c", "import django; django.setup()"],
            "python -c 'import torch'": [sys.executable, "-c", "import torch"],
        }
        fresh_process(commands["python -c 'import django; django.setup()'"])  # file cache warm for everyone
        runs = {label: [fresh_process(command) for _ in range(args.repeat)] for label, command in commands.items()}
    imports = setup_imports(limit_ms=50)

    figures = {
        "clip_seconds": args.seconds,
        "load_average": round(os.getloadavg()[0], 1),
        "fresh_process": {label: {"wall_median": round(statistics.median(w for w, _ in r), 2),
                                  "wall_best": round(min(w for w, _ in r), 2),
                                  "cpu_median": round(statistics.median(c for _, c in r), 2)}
                          for label, r in runs.items()},
        "setup_imports_ms": {name: round(ms) for name, ms in imports},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"### Fresh process on a generated {args.seconds} s 854x480 clip, 30 fps "
          f"({args.repeat} runs each; load average {figures['load_average']})\n")
    print("| command | wall s (median) | wall s (best) | CPU s (median) |")
    print("| --- | --- | --- | --- |")
    for label, row in figures["fresh_process"].items():
        print(f"| `{label}` | {row['wall_median']:.2f} | {row['wall_best']:.2f} | {row['cpu_median']:.2f} |")
    print("\n### What `django.setup()` imports (top level, over 50 ms cumulative, one run)\n")
    print("| module | ms |")
    print("| --- | --- |")
    for name, ms in imports:
        print(f"| {name} | {ms:.0f} |")


if __name__ == "__main__":
    main()
