"""Music-video analysis benchmark: transitions by kind per detector, and speed.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/video.py
        [--data ../shared/data/video/pyscenedetect_testvideo.mp4] [--seconds 60]
        [--detectors fast,transnetv2,adaptive,content,adaptive+threshold] [--append benchmarks/RESULTS.md]

Prints markdown tables:
1. generated clips with known cuts, fades, dissolves and wipes: per detector and kind, the
   transitions found within 3 frames (and with the right kind), extra ones, mean error;
2. camera-like shots made from the test clip's pictures (pan and zoom) joined by every kind of
   transition, and the PySceneDetect test clip against its transitions as read from its frames
   (TEST_CLIP_TRUTH);
3. the beat tracker's tempo on the generated clips' click tracks;
4. speed on a generated 480p clip: the fast path (decode + transitions), the whole analysis,
   TransNetV2 on the CPU (the network on the thumbnails), PySceneDetect's command line
   (`detect-adaptive`, `detect-content`), all in the same run.
Start-up in a fresh process has its own script: benchmarks/video_startup.py.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from perception.video.analysis import KINDS, AnalysisOptions, analyze_video, probe_video  # noqa: E402
from perception.video.analysis.media import MediaReader  # noqa: E402
from perception.video.analysis.shots import TransitionFinder  # noqa: E402
from perception.video.analysis.synthetic import ShotSpec, camera_painter, make_clip  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "video" / "pyscenedetect_testvideo.mp4"
DETECTORS = "fast,transnetv2,adaptive,content,adaptive+threshold"
TOLERANCE = 3  # frames
# The test clip's transitions read from its frames (mean luma per frame; 29.97 fps): black title
# until 29, hard cut to the leaf at 30, hard cut to black at 180, fade-in 212-242, fade-out 332-360,
# fade-in 394-424, dissolve 529-558, fade-out 664-693. A gradual transition's frame is its middle.
TEST_CLIP_TRUTH = [(30, "cut"), (180, "cut"), (227, "fade"), (346, "fade"), (409, "fade"),
                   (543, "dissolve"), (678, "fade")]


def generated_clips(folder: Path) -> list[tuple[str, object]]:
    rng = np.random.default_rng(7)
    clips = []
    lengths = [36, 36, 27, 27, 27, 27, 60, 18, 45, 33, 54, 36]
    clips.append(("hard cuts, 30 fps", make_clip(folder / "hard30.mp4", [ShotSpec(n) for n in lengths],
                                                  fps=30, bpm=100)))
    shots = [ShotSpec(48), ShotSpec(40), ShotSpec(60, "fade"), ShotSpec(30), ShotSpec(52, "fade"),
             ShotSpec(36), ShotSpec(44, "fade"), ShotSpec(40)]
    clips.append(("cuts + fades, 24 fps", make_clip(folder / "fades24.mp4", shots, fps=24, bpm=90)))
    kinds = ["cut", "dissolve", "wipe", "fade", "dissolve", "cut", "wipe", "fade", "dissolve", "wipe"]
    shots = [ShotSpec(40)] + [ShotSpec(int(rng.integers(36, 70)), k) for k in kinds]
    clips.append(("mixed, 12-frame dissolves/wipes, 30 fps", make_clip(folder / "mixed30.mp4", shots, fps=30,
                                                                        bpm=128)))
    kinds = ["dissolve", "fade", "wipe", "dissolve", "fade", "wipe"]
    shots = [ShotSpec(60)] + [ShotSpec(int(rng.integers(60, 90)), k) for k in kinds]
    clips.append(("slow: 24-frame dissolves/wipes, 20-frame fades, 25 fps", make_clip(
        folder / "slow25.mp4", shots, fps=25, bpm=110, blend_frames=24, fade_frames=20)))
    return clips


def photo_clip(folder: Path, data: Path):
    """Shots made from the test clip's four still pictures (and their mirror images), each panning
    and zooming slowly as a camera would, joined by every kind of transition; 854x480, 30 fps."""
    import av
    import cv2

    with av.open(str(data)) as container:
        wanted = {100, 300, 480, 620}  # leaf, deer, leaf, tree bark
        stills = [f.to_ndarray(format="bgr24") for i, f in enumerate(container.decode(video=0)) if i in wanted]
    pictures = stills + [s[:, ::-1] for s in stills]
    rng = np.random.default_rng(11)
    kinds = ["cut", "dissolve", "wipe", "fade", "cut", "dissolve", "wipe", "fade", "dissolve", "cut", "wipe"]
    shots = [ShotSpec(int(rng.integers(60, 100)))] + [ShotSpec(int(rng.integers(60, 100)), k) for k in kinds]
    return make_clip(folder / "photos.mp4", shots, fps=30, width=854, height=480, blend_frames=20,
                     fade_frames=15, painter=camera_painter(pictures, 854, 480))


def score(found: list[tuple[int, str]], truth: list[tuple[int, str]]) -> dict:
    """Greedy one-to-one matching within TOLERANCE frames: per true kind (matched, right kind,
    total), extra detections and the mean error of the matches."""
    remaining = list(truth)
    per_kind = {k: [0, 0, 0] for k in KINDS}
    for _, kind in truth:
        per_kind[kind][2] += 1
    errors, extra = [], 0
    for frame, kind in found:
        best = min(remaining, key=lambda t: abs(t[0] - frame), default=None)
        if best is None or abs(best[0] - frame) > TOLERANCE:
            extra += 1
            continue
        remaining.remove(best)
        errors.append(abs(best[0] - frame))
        per_kind[best[1]][0] += 1
        per_kind[best[1]][1] += kind == best[1]
    return {"per_kind": per_kind, "extra": extra, "error": float(np.mean(errors)) if errors else 0.0,
            "hits": len(errors), "total": len(truth)}


def _found(report: dict, fps: float) -> list[tuple[int, str]]:
    return [(round(t["time"] * fps), t["kind"]) for t in report["transitions"]]


def _cell(counts: list[int]) -> str:
    hit, right, total = counts
    return f"{hit}/{total} ({right})" if total else "-"


ACCURACY_HEAD = ["| clip | detector | " + " | ".join(KINDS) + " | all within 3 frames | extra | mean error (frames) "
                 "| analysis s |", "| --- | --- | " + " | ".join("---" for _ in KINDS) + " | --- | --- | --- | --- |"]


def accuracy_rows(name: str, path: Path, fps: float, truth, detectors: list[str], reports: dict) -> list[str]:
    rows = []
    for detector in detectors:
        report = analyze_video(path, AnalysisOptions(detector=detector, with_audio=detector == "fast")).report
        reports[(name, detector)] = report
        s = score(_found(report, fps), truth)
        kinds = " | ".join(_cell(s["per_kind"][k]) for k in KINDS)
        rows.append(f"| {name} | {detector} | {kinds} | {s['hits']}/{s['total']} | {s['extra']} "
                    f"| {s['error']:.2f} | {report['seconds']:.1f} |")
    return rows


def tempo_rows(clips, reports) -> list[str]:
    rows = ["| clip | tempo found | truth |", "| --- | --- | --- |"]
    for name, clip in clips:
        rows.append(f"| {name} | {reports[(name, 'fast')]['tempo_bpm']} | {clip.bpm:g} |")
    return rows


def _timed(fn):
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _shots_only(path: Path):
    reader = MediaReader(str(path), 320, 30.0, with_audio=False)
    finder = None
    for frame in reader.frames():
        if finder is None:
            finder = TransitionFinder("fast", reader.fps, int(round(0.4 * reader.fps)))
        finder.process(frame.index, frame.image)
    return finder.finish()


def _thumbs(path: Path, seconds: float) -> np.ndarray:
    from perception.video.analysis.transitions import thumbnail

    reader = MediaReader(str(path), 320, 30.0, with_audio=False)
    out = []
    for frame in reader.frames():
        if frame.time >= seconds:
            break
        out.append(thumbnail(frame.image))
    return np.stack(out)


def _time_cli(path: Path, command: str) -> tuple[float, float, str]:
    exe = Path(sys.executable).with_name("scenedetect")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([str(exe), "-i", str(path), command], capture_output=True, text=True,
                          cwd=tempfile.gettempdir())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, "" if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["failed"])[-1]


def speed_rows(path: Path, transnet_seconds: float) -> list[str]:
    info = probe_video(path, max_mb=10_000, max_seconds=24 * 3600)
    rows = ["| tool | wall s | x real time (wall) | CPU s | x real time (CPU) |", "| --- | --- | --- | --- | --- |"]

    def row(tool, wall, cpu, duration=info.duration):
        rows.append(f"| {tool} | {wall:.2f} | {duration / wall:.1f} | {cpu:.2f} | {duration / cpu:.1f} |")

    _shots_only(path)  # file cache warm for everyone
    _, wall, cpu = _timed(lambda: _shots_only(path))
    row("fast path: decode + transitions (cuts, fades, dissolves, wipes)", wall, cpu)
    _, wall, cpu = _timed(lambda: analyze_video(path, AnalysisOptions(detector="fast")))
    row("Motif analyze_video, fast path (all analyses incl. faces, palettes, beats)", wall, cpu)
    for command in ("detect-adaptive", "detect-content"):
        wall, cpu, error = _time_cli(path, command)
        row(f"scenedetect CLI {command}" + (f" (error: {error})" if error else ""), wall, cpu)
    try:
        import torch

        from perception.video.analysis import transnet
        thumbs = _thumbs(path, transnet_seconds)
        transnet.load_model("cpu")
        _, wall, cpu = _timed(lambda: transnet.predict(thumbs, "cpu"))
        row(f"TransNetV2 network on the CPU ({torch.get_num_threads()} thread(s), first {transnet_seconds:g} s)",
            wall, cpu, duration=len(thumbs) / info.fps)
    except Exception as exc:  # the benchmark still prints the other rows
        rows.append(f"| TransNetV2 not measured: {exc} | | | | |")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the PySceneDetect test clip")
    parser.add_argument("--seconds", type=int, default=60, help="length of the generated 480p speed clip")
    parser.add_argument("--transnet-seconds", type=float, default=20.0,
                        help="how much of the 480p clip TransNetV2 is timed on")
    parser.add_argument("--detectors", default=DETECTORS)
    parser.add_argument("--append", type=Path, help="add the tables to the Video section of this RESULTS.md")
    args = parser.parse_args()
    detectors = args.detectors.split(",")

    out = []
    reports: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clips = generated_clips(folder)
        rows = list(ACCURACY_HEAD)
        for name, clip in clips:
            rows += accuracy_rows(name, clip.path, clip.fps, clip.transitions, detectors, reports)
        out += ["### Generated clips: transitions found within 3 frames of the truth, per kind "
                "(found/true (right kind))", "", *rows, ""]
        if args.data.exists():
            clip = photo_clip(folder, args.data)
            rows = list(ACCURACY_HEAD)
            rows += accuracy_rows("pictures", clip.path, clip.fps, clip.transitions, detectors, reports)
            out += ["### Camera-like shots from the test clip's pictures (slow pan and zoom in every shot; "
                    "20-frame dissolves and wipes, 15-frame fades; 854x480)", "", *rows, ""]
            rows = list(ACCURACY_HEAD)
            rows += accuracy_rows(args.data.name, args.data, 30000 / 1001, TEST_CLIP_TRUTH, detectors, reports)
            out += [f"### {args.data.name} (truth read from its frames: "
                    + ", ".join(f"{k} @{f}" for f, k in TEST_CLIP_TRUTH) + ")", "", *rows, ""]
        if "fast" in detectors:
            out += ["### Tempo of the click tracks (numpy beat tracker)", "", *tempo_rows(clips, reports), ""]
        fps = 30
        speed_clip = make_clip(folder / "speed480.mp4",
                               [ShotSpec(int(n)) for n in np.resize([45, 75, 30, 90, 60], args.seconds * fps // 60)],
                               fps=fps, width=854, height=480, bpm=120)
        out += [f"### Speed on a generated {args.seconds} s 854x480 clip, 30 fps (same run)", "",
                *speed_rows(speed_clip.path, args.transnet_seconds), ""]
    text = "\n".join(out)
    print(text)
    if args.append:
        _append(args.append, args, text)


def _append(results: Path, args, text: str) -> None:
    """Insert the run at the end of the "## Video" section (other sections follow it)."""
    load = os.getloadavg()[0]
    header = (f"### Transitions and speed · {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
              f" · {os.cpu_count()}-core CPU ({platform.machine()}), load average {load:.0f} from other jobs · "
              f"`OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '')} .venv/bin/python benchmarks/video.py "
              f"{' '.join(sys.argv[1:])}`\n\n")
    block = header + text.replace("### ", "#### ") + "\n"
    existing = results.read_text(encoding="utf-8") if results.exists() else ""
    if "## Video\n" not in existing:
        existing += "\n## Video\n"
    start = existing.index("## Video\n") + len("## Video\n")
    following = existing.find("\n## ", start)
    at = len(existing) if following < 0 else following + 1
    results.write_text(existing[:at] + block + "\n" + existing[at:], encoding="utf-8")


if __name__ == "__main__":
    main()
