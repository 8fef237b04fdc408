"""Music-video analysis benchmark: shot accuracy on generated clips, the shared test clip, speed.

    .venv/bin/python benchmarks/video.py [--data ../shared/data/video/pyscenedetect_testvideo.mp4]
                                         [--seconds 60] [--append benchmarks/RESULTS.md]

Prints markdown tables:
1. generated clips with known hard cuts, fades and a click track: cuts found within one frame
   (precision, recall, mean error), tempo and the on-beat share against the truth;
2. the PySceneDetect test clip against the transitions its SOURCE.md lists;
3. speed on a generated 480p clip (and the test clip): our whole analysis (decode, shots, faces,
   palettes, motion, beats) against PySceneDetect's own command line (`scenedetect -i FILE
   detect-adaptive`), both timed in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from perception.video import AnalysisOptions, analyze_video, probe_video  # noqa: E402
from perception.video.audio import cuts_on_beat  # noqa: E402
from perception.video.synthetic import ShotSpec, make_clip  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "video" / "pyscenedetect_testvideo.mp4"
# Transitions listed in the test clip's SOURCE.md (frames at 29.97 fps).
TEST_CLIP_TRUTH = [
    ("fade-in from black ends", 30),
    ("hard cut", 180),
    ("hard cut", 394),
    ("dissolve", 540),
    ("fade-out to black", 675),
]


def synthetic_cases(folder: Path) -> list[tuple[str, object]]:
    rng = np.random.default_rng(7)
    cases = []
    # Hard cuts at irregular lengths, 30 fps, click track at 100 BPM; some cuts on beats.
    lengths = [36, 36, 27, 27, 27, 27, 60, 18, 45, 33, 54, 36]
    cases.append(("hard cuts, 30 fps, 100 BPM", make_clip(
        folder / "hard30.mp4", [ShotSpec(n) for n in lengths], fps=30, bpm=100)))
    # 25 fps, 128 BPM, random shot lengths 0.5-3 s.
    lengths = [int(rng.integers(13, 75)) for _ in range(16)]
    cases.append(("hard cuts, 25 fps, 128 BPM", make_clip(
        folder / "hard25.mp4", [ShotSpec(n) for n in lengths], fps=25, bpm=128)))
    # Cuts and fades through black, 24 fps, 90 BPM.
    shots = [ShotSpec(48), ShotSpec(40), ShotSpec(60, "fade"), ShotSpec(30), ShotSpec(52, "fade"),
             ShotSpec(36), ShotSpec(44, "fade"), ShotSpec(40)]
    cases.append(("cuts + fades, 24 fps, 90 BPM", make_clip(folder / "fades24.mp4", shots, fps=24, bpm=90)))
    return cases


def match(found: list[int], truth: list[int], tolerance: int = 1) -> tuple[int, list[int]]:
    """Greedy one-to-one matching within ``tolerance`` frames: (hits, errors of the hits)."""
    remaining = list(truth)
    errors = []
    for f in found:
        best = min(remaining, key=lambda t: abs(t - f), default=None)
        if best is not None and abs(best - f) <= tolerance:
            errors.append(abs(best - f))
            remaining.remove(best)
    return len(errors), errors


def accuracy_table(folder: Path) -> list[str]:
    rows = ["| clip | detector | true cuts | found | within 1 frame | precision | recall | mean error (frames) "
            "| tempo (truth) | on-beat share (truth) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, clip in synthetic_cases(folder):
        truth = sorted(clip.cut_frames + clip.fade_frames)
        true_cut_times = [f / clip.fps for f in truth]
        truth_on_beat = cuts_on_beat(true_cut_times, clip.beat_times)
        for detector in ("adaptive", "content", "adaptive+threshold"):
            report = analyze_video(clip.path, AnalysisOptions(detector=detector)).report
            found = [round(t * clip.fps) for t in report["cuts"]]
            hits, errors = match(found, truth)
            precision = hits / len(found) if found else 1.0
            recall = hits / len(truth) if truth else 1.0
            rows.append(
                f"| {name} | {detector} | {len(truth)} | {len(found)} | {hits} | {precision:.2f} | {recall:.2f} "
                f"| {np.mean(errors) if errors else 0:.2f} | {report['tempo_bpm']} ({clip.bpm:g}) "
                f"| {report['cuts_on_beat_ratio']:.2f} ({truth_on_beat:.2f}) |"
            )
    return rows


def test_clip_table(path: Path) -> list[str]:
    rows = ["| detector | cuts found (frame) | matched to SOURCE.md (within 3 frames) |", "| --- | --- | --- |"]
    for detector in ("adaptive", "content", "adaptive+threshold", "threshold"):
        report = analyze_video(path, AnalysisOptions(detector=detector)).report
        fps = report["fps"]
        frames = [round(t * fps) for t in report["cuts"]]
        matched = []
        for label, frame in TEST_CLIP_TRUTH:
            hit = [f for f in frames if abs(f - frame) <= 3]
            matched.append(f"{label} @{frame}: {'yes (' + str(hit[0]) + ')' if hit else 'no'}")
        rows.append(f"| {detector} | {', '.join(map(str, frames)) or '-'} | {'; '.join(matched)} |")
    return rows


def _time_cli(path: Path) -> tuple[float, float, str]:
    exe = Path(sys.executable).with_name("scenedetect")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([str(exe), "-i", str(path), "detect-adaptive"],
                          capture_output=True, text=True, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, "" if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["failed"])[-1]


def _time_ours(path: Path) -> tuple[float, float]:
    before = time.process_time()
    start = time.perf_counter()
    analyze_video(path, AnalysisOptions())
    return time.perf_counter() - start, time.process_time() - before


def speed_table(paths: list[tuple[str, Path]]) -> list[str]:
    rows = ["| clip | frames | duration | tool | wall s | fps | x real time (wall) | CPU s | x real time (CPU) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, path in paths:
        info = probe_video(path, max_mb=10_000, max_seconds=24 * 3600)
        _time_ours(path)  # warm caches (file, numba, cascades) so both tools start equal
        ours_wall, ours_cpu = _time_ours(path)
        cli_wall, cli_cpu, error = _time_cli(path)
        for tool, wall, cpu in (("Motif analyze_video (all analyses)", ours_wall, ours_cpu),
                                ("scenedetect CLI detect-adaptive", cli_wall, cli_cpu)):
            rows.append(f"| {name} | {info.frames} | {info.duration:.1f} s | {tool} | {wall:.2f} "
                        f"| {info.frames / wall:.0f} | {info.duration / wall:.1f} | {cpu:.2f} "
                        f"| {info.duration / cpu:.1f} |")
        if error:
            rows.append(f"| {name} | | | scenedetect CLI error: {error} | | | | | |")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the PySceneDetect test clip")
    parser.add_argument("--seconds", type=int, default=60, help="length of the generated 480p speed clip")
    parser.add_argument("--append", type=Path, help="append the tables to this RESULTS.md")
    args = parser.parse_args()

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out += ["### Generated clips (known cuts and beats)", "", *accuracy_table(folder), ""]
        if args.data.exists():
            out += [f"### {args.data.name} against its SOURCE.md", "", *test_clip_table(args.data), ""]
        fps = 30
        speed_clip = make_clip(folder / "speed480.mp4",
                               [ShotSpec(n) for n in np.resize([45, 75, 30, 90, 60], args.seconds * fps // 60)],
                               fps=fps, width=854, height=480, bpm=120)
        paths = [("generated 854x480", speed_clip.path)]
        if args.data.exists():
            paths.append(("test clip 1280x720", args.data))
        out += ["### Speed (same run, same machine)", "", *speed_table(paths), ""]
    text = "\n".join(out)
    print(text)
    if args.append:
        header = (f"\n### {datetime.date.today().isoformat()} · 2-core CPU, 24 GiB (shared with other jobs) · "
                  f"`.venv/bin/python benchmarks/video.py --seconds {args.seconds}`\n\n")
        with open(args.append, "a", encoding="utf-8") as fh:
            if "## Video" not in (args.append.read_text(encoding="utf-8") if args.append.exists() else ""):
                fh.write("\n## Video\n")
            fh.write(header + text.replace("### ", "#### ") + "\n")


if __name__ == "__main__":
    main()
