"""The whole analysis: one decoding pass, then per-shot measures, music and labels."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Callable

import cv2
import numpy as np

from . import audio as audio_mod
from . import colour
from .errors import AnalysisCancelled, VideoRejected
from .faces import make_face_detector
from .keyframes import KeyframePicker
from .labels import make_labeller
from .media import MediaReader
from .probe import ProbeResult, probe_video
from .sheet import contact_sheet, keyframe_strip
from .shots import DEFAULT_DETECTOR, TransitionFinder
from .transitions import KINDS

ProgressCallback = Callable[[int, int], None]


@dataclass
class AnalysisOptions:
    """Knobs of the analysis; ``from_env`` fills the model paths from the environment."""

    detector: str = DEFAULT_DETECTOR       # "fast", "transnetv2", "adaptive", ... or "a+b"
    analysis_width: int = 320              # frames are analysed at this width
    max_fps: float = 30.0                  # sources above this keep every n-th frame
    min_shot_seconds: float = 0.4
    face_model: str | None = None          # YuNet ONNX file; Haar cascade when None
    face_sample_fps: float = 1.0           # plus every keyframe
    clip_model: str | None = None          # local CLIP folder; similarity groups when None
    palette_size: int = 5
    beat_tolerance: float = 0.08
    with_audio: bool = True

    @classmethod
    def from_env(cls, **overrides) -> "AnalysisOptions":
        values = {
            "face_model": os.environ.get("MOTIF_FACE_MODEL") or None,
            "clip_model": os.environ.get("MOTIF_CLIP_MODEL") or None,
        }
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if k in known and v is not None})
        return cls(**values)


@dataclass
class AnalysisResult:
    report: dict
    keyframes: list[np.ndarray] = field(default_factory=list)

    def contact_sheet_png(self, title: str = "") -> bytes:
        return contact_sheet(self.report, self.keyframes, title=title)

    def keyframe_strip_jpeg(self, height: int = 90) -> tuple[bytes, int, int]:
        return keyframe_strip(self.keyframes, height=height)


class _Throttle:
    """Calls ``progress`` at most every ``interval`` seconds (and always at the end)."""

    def __init__(self, progress: ProgressCallback | None, interval: float = 0.5):
        self.progress, self.interval, self._last = progress, interval, 0.0

    def __call__(self, done: int, total: int, force: bool = False) -> None:
        now = time.monotonic()
        if self.progress and (force or now - self._last >= self.interval):
            self._last = now
            self.progress(done, total)


def analyze_video(
    path: str | os.PathLike,
    options: AnalysisOptions | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    probe: ProbeResult | None = None,
) -> AnalysisResult:
    """Analyse a video file and return the report (the issue's JSON shape) and keyframes.

    ``progress(frames_done, frames_total)`` is called while decoding; it may raise to stop the
    work (the job system's cancellation does), and ``cancelled()`` returning True stops it with
    :class:`AnalysisCancelled`. Raises :class:`VideoRejected` for unreadable files.
    """
    threads = cv2.getNumThreads()
    # Frames are small: OpenCV's worker threads cost more than they save, and the decoder
    # already uses the other core.
    cv2.setNumThreads(1)
    try:
        return _analyze(path, options or AnalysisOptions(), progress, cancelled, probe)
    finally:
        cv2.setNumThreads(threads)


@dataclass
class _FramePass:
    """Everything gathered while decoding, per analysed frame."""

    finder: TransitionFinder
    picker: KeyframePicker = field(default_factory=KeyframePicker)
    times: list[float] = field(default_factory=list)
    brightness: list[float] = field(default_factory=list)
    saturation: list[float] = field(default_factory=list)
    motion: list[float] = field(default_factory=list)
    face_samples: list[tuple[int, int]] = field(default_factory=list)  # (frame index, faces)


def _decode_pass(reader: MediaReader, options: AnalysisOptions, face_detector, tick, cancelled) -> _FramePass:
    """The one pass over the frames: shots, keyframe candidates, light, colour, motion, faces."""
    data: _FramePass | None = None
    previous_luma = None
    face_every = 1
    for frame in reader.frames(threaded=True):
        if data is None:  # the reader knows the frame rate once the file is open
            fps = reader.fps
            data = _FramePass(TransitionFinder(options.detector, fps, int(round(options.min_shot_seconds * fps))))
            face_every = max(1, int(round(fps / options.face_sample_fps)))
        if cancelled is not None and cancelled():
            raise AnalysisCancelled()
        image = frame.image
        for start in data.finder.process(frame.index, image):
            data.picker.cut(start)
        data.picker.add(frame.index, image)
        data.times.append(frame.time)
        data.brightness.append(colour.brightness(frame.luma))
        data.saturation.append(colour.saturation(image[::4, ::4]))
        data.motion.append(colour.motion(previous_luma, frame.luma))
        previous_luma = frame.luma
        if frame.index % face_every == 0:
            data.face_samples.append((frame.index, len(face_detector.detect(image))))
        tick(frame.index + 1, max(reader.expected_frames, frame.index + 1))
    if data is None:
        raise VideoRejected("The video has no frames we can decode (zero-length or damaged).", "no_frames")
    return data


def _analyze(path, options: AnalysisOptions, progress, cancelled, probe) -> AnalysisResult:
    started = time.perf_counter()
    probe = probe or probe_video(path)
    reader = MediaReader(str(path), options.analysis_width, options.max_fps, options.with_audio)
    face_detector = make_face_detector(options.face_model)
    tick = _Throttle(progress)
    data = _decode_pass(reader, options, face_detector, tick, cancelled)
    tick(len(data.times), len(data.times), force=True)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="video-beats") as pool:
        # The soundtrack's beats (numpy, mostly outside the GIL) meanwhile on the other core.
        beats = pool.submit(_beats, reader.audio)
        return _report(probe, reader, data, options, face_detector, beats, started)


def _beats(track) -> tuple[float | None, list[float]]:
    return audio_mod.beats(track.samples, track.rate) if track.samples.size else (None, [])


def _report(probe, reader, data: _FramePass, options: AnalysisOptions, face_detector, beats, started) -> AnalysisResult:
    """Shots, keyframes, labels and the report from the decoding pass (``beats``: a future)."""
    times = data.times
    total = len(times)
    transitions = data.finder.finish()
    cuts = [t.frame for t in transitions]
    entered_by = ["start", *(t.kind for t in transitions)]
    bounds = [0, *cuts, total]
    ranges = list(zip(bounds[:-1], bounds[1:]))
    duration = max(probe.duration, times[-1] + 1.0 / reader.fps)
    edge_times = [times[i] for i in bounds[:-1]] + [duration]

    picks = data.picker.pick(ranges)
    keyframes = [image for _, image in picks]
    labeller = make_labeller(options.clip_model)
    labels = labeller.label(keyframes)

    sample_idx = np.array([i for i, _ in data.face_samples], dtype=int)
    sample_faces = np.array([n for _, n in data.face_samples], dtype=int)
    motion = np.asarray(data.motion)
    shots = []
    for k, ((first, end), (index, keyframe)) in enumerate(zip(ranges, picks)):
        in_shot = (sample_idx >= first) & (sample_idx < end)
        faces = max([len(face_detector.detect(keyframe)), *sample_faces[in_shot].tolist()])
        moving = motion[first + 1 : end]  # the first frame's change is the cut itself
        shots.append({
            "start": round(edge_times[k], 3),
            "end": round(edge_times[k + 1], 3),
            "keyframe": round(times[index], 3),
            "faces": int(faces),
            "palette": colour.palette(keyframe, options.palette_size),
            "brightness": round(float(np.mean(data.brightness[first:end])), 4),
            "saturation": round(float(np.mean(data.saturation[first:end])), 4),
            "motion": round(float(moving.mean()) if moving.size else 0.0, 4),
            "label": labels[k],
            "entered_by": entered_by[k],
        })

    cut_times = [round(times[c], 3) for c in cuts]
    tempo, beat_times = beats.result()

    report = {
        "duration": round(duration, 3),
        "fps": round(probe.fps, 3),
        "shots": shots,
        "cuts": cut_times,
        "transitions": [t.as_dict(times) for t in transitions],
        "transition_counts": {kind: entered_by.count(kind) for kind in KINDS},
        "cuts_per_minute": round(len(cuts) / (duration / 60.0), 2),
        "average_shot_length": round(duration / len(shots), 3),
        "tempo_bpm": tempo,
        "beats": beat_times,
        "cuts_on_beat_ratio": audio_mod.cuts_on_beat(cut_times, beat_times, options.beat_tolerance),
        "seconds": 0.0,
        # Beyond the command's required keys: what the page and export also show.
        "faces_on_screen": round(float((sample_faces > 0).mean()) if sample_faces.size else 0.0, 4),
        "label_method": labeller.method,
        "detector": "+".join(data.finder.names),
        "face_detector": face_detector.name,
        "width": probe.width,
        "height": probe.height,
        "analysed_frames": total,
        "analysis_fps": round(reader.fps, 3),
        "has_audio": probe.has_audio,
    }
    report["seconds"] = round(time.perf_counter() - started, 3)
    return AnalysisResult(report, keyframes)
