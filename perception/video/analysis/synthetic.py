"""Synthetic music-video clips with known cuts, fades, dissolves, wipes and beats.

Used by the tests and by ``benchmarks/video.py``: frames are drawn with OpenCV/numpy, audio clicks
at a known tempo are muxed in with PyAV, and the ground truth is returned beside the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av
import cv2
import numpy as np

AUDIO_RATE = 22050

# Distinct backgrounds (BGR) so that neighbouring shots differ clearly in hue and brightness.
_PALETTE = [
    (40, 60, 200), (200, 120, 30), (40, 180, 60), (180, 40, 160), (20, 200, 220),
    (120, 120, 120), (220, 220, 240), (90, 30, 20), (30, 90, 140), (160, 200, 90),
]


@dataclass
class ShotSpec:
    """One shot: its length in frames and how it is entered: "cut", "fade" (through black),
    "dissolve" or "wipe" (left to right). A dissolve or wipe is centred on the shot's first frame."""

    frames: int
    transition: str = "cut"
    style: int | None = None
    face: bool = False


@dataclass
class Clip:
    """A generated clip and its ground truth."""

    path: Path
    fps: int
    frame_count: int
    cut_frames: list[int]
    fade_frames: list[int] = field(default_factory=list)
    beat_times: list[float] = field(default_factory=list)
    bpm: float | None = None
    transitions: list[tuple[int, str]] = field(default_factory=list)  # (first frame of the shot, kind)

    @property
    def cuts(self) -> list[float]:
        return [f / self.fps for f, _ in self.transitions]

    @property
    def duration(self) -> float:
        return self.frame_count / self.fps


def draw_face(img: np.ndarray, cx: int, cy: int, size: int) -> None:
    """A drawn frontal face that OpenCV's Haar cascade recognises as one."""
    s = size
    cv2.ellipse(img, (cx, cy), (int(s * 0.8), s), 0, 0, 360, (150, 170, 200), -1)
    for side in (-1, 1):
        ex, ey = cx + side * int(s * 0.38), cy - int(s * 0.2)
        cv2.ellipse(img, (ex, ey - int(s * 0.22)), (int(s * 0.25), int(s * 0.06)), 0, 0, 360, (40, 40, 50), -1)
        cv2.ellipse(img, (ex, ey), (int(s * 0.18), int(s * 0.1)), 0, 0, 360, (30, 30, 30), -1)
    cv2.ellipse(img, (cx, cy + int(s * 0.15)), (int(s * 0.08), int(s * 0.2)), 0, 0, 360, (170, 190, 220), -1)
    cv2.ellipse(img, (cx, cy + int(s * 0.55)), (int(s * 0.3), int(s * 0.08)), 0, 0, 360, (60, 60, 120), -1)


def _shot_frame(style: int, t: int, width: int, height: int, face: bool) -> np.ndarray:
    """A frame of shot ``style`` at local frame ``t``: flat background, a moving disc and bar."""
    bg = _PALETTE[style % len(_PALETTE)]
    img = np.empty((height, width, 3), np.uint8)
    img[:] = bg
    # Gentle vertical gradient so the frame is not perfectly flat.
    ramp = np.linspace(-20, 20, height, dtype=np.float32)[:, None, None]
    img = np.clip(img.astype(np.float32) + ramp, 0, 255).astype(np.uint8)
    accent = tuple(int(255 - c) for c in bg)
    radius = max(4, height // 10)
    # Both move back and forth (no jumps: a jump would be a cut of its own).
    x = int((width * 0.2) + (width * 0.6) * _bounce(t * 3, 100) / 100)
    cv2.circle(img, (x, height // 3), radius, accent, -1)
    cv2.rectangle(img, (0, height - height // 6), (_bounce(t * 4, width), height - 2), accent, -1)
    if face:
        draw_face(img, width // 2, height // 2, height // 4)
    return img


def textured_pictures(count: int, width: int, height: int, seed: int = 0) -> list[np.ndarray]:
    """``count`` unrelated BGR pictures full of detail (smooth colour fields under scattered discs
    and bars), as stand-ins for photographs a camera moves over."""
    rng = np.random.default_rng(seed)
    pictures = []
    for _ in range(count):
        field_ = rng.integers(0, 256, (max(2, height // 16), max(2, width // 16), 3)).astype(np.uint8)
        image = cv2.resize(field_, (width, height), interpolation=cv2.INTER_CUBIC)
        for _ in range(60):
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
            size = int(rng.integers(max(2, height // 40), max(3, height // 8)))
            if rng.random() < 0.5:
                cv2.circle(image, (x, y), size, colour, -1)
            else:
                cv2.rectangle(image, (x, y), (x + 3 * size, y + size // 2 + 1), colour, -1)
        pictures.append(image)
    return pictures


def camera_painter(pictures: list[np.ndarray], width: int, height: int, pan: float = 1.0) -> Callable[[int, int], np.ndarray]:
    """A ``make_clip`` painter filming shot ``k`` on ``pictures[k % len(pictures)]`` with a camera
    that pans back and forth across it (``pan`` scales the speed) while slowly zooming in."""

    def paint(shot: int, t: int) -> np.ndarray:
        image = pictures[shot % len(pictures)]
        full_h, full_w = image.shape[:2]
        crop = 0.75 - 0.1 * t / 100
        ch, cw = int(full_h * crop), int(full_w * crop)
        x = int((full_w - cw) * (0.5 + 0.4 * np.sin(pan * t / 40 + shot)))
        y = (full_h - ch) // 2
        return cv2.resize(np.ascontiguousarray(image[y : y + ch, x : x + cw]), (width, height),
                          interpolation=cv2.INTER_AREA)

    return paint


def _bounce(position: int, span: int) -> int:
    """``position`` folded back and forth into 0..span."""
    phase = position % (2 * span)
    return phase if phase <= span else 2 * span - phase


def _click_track(duration: float, bpm: float, offset: float) -> tuple[np.ndarray, list[float]]:
    samples = np.zeros(int(round(duration * AUDIO_RATE)), np.float32)
    period = 60.0 / bpm
    click = np.sin(2 * np.pi * 1500 * np.arange(int(0.03 * AUDIO_RATE)) / AUDIO_RATE)
    click *= np.exp(-np.arange(click.size) / (0.006 * AUDIO_RATE))
    beats = []
    t = offset
    while t < duration - 0.05:
        start = int(round(t * AUDIO_RATE))
        end = min(samples.size, start + click.size)
        samples[start:end] += 0.8 * click[: end - start].astype(np.float32)
        beats.append(round(t, 6))
        t += period
    return samples, beats


def make_clip(
    path: str | Path,
    shots: list[ShotSpec],
    fps: int = 30,
    width: int = 320,
    height: int = 240,
    bpm: float | None = None,
    beat_offset: float = 0.0,
    fade_frames: int = 8,
    codec: str = "libx264",
    blend_frames: int = 12,
    painter: Callable[[int, int], np.ndarray] | None = None,
) -> Clip:
    """Write an MP4 with the given shots (and a click track at ``bpm`` if given).

    A fade lasts ``fade_frames`` out and as many in; a dissolve or wipe lasts ``blend_frames``.
    ``painter(shot, frame_in_shot)`` draws a shot's BGR frame at ``width`` x ``height`` (by default
    a flat background with a moving disc and bar)."""
    path = Path(path)
    frame_count = sum(s.frames for s in shots)
    duration = frame_count / fps
    starts = np.cumsum([0] + [s.frames for s in shots[:-1]]).tolist()
    transitions = [(start, shot.transition) for start, shot in zip(starts[1:], shots[1:])]
    with av.open(str(path), "w") as container:
        vstream = container.add_stream(codec, rate=fps)
        vstream.width, vstream.height, vstream.pix_fmt = width, height, "yuv420p"
        vstream.options = {"preset": "ultrafast", "crf": "18"} if codec == "libx264" else {}
        astream = None
        if bpm:
            astream = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        for index in range(frame_count):
            img = _clip_frame(shots, starts, index, painter or _default_painter(shots, width, height),
                              fade_frames, blend_frames)
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            for packet in vstream.encode(frame):
                container.mux(packet)
        for packet in vstream.encode():
            container.mux(packet)
        beats: list[float] = []
        if astream is not None:
            samples, beats = _click_track(duration, bpm, beat_offset)
            _write_audio(container, astream, samples)
    return Clip(
        path, fps, frame_count,
        cut_frames=[f for f, kind in transitions if kind == "cut"],
        fade_frames=[f for f, kind in transitions if kind == "fade"],
        beat_times=beats, bpm=bpm, transitions=transitions,
    )


def _default_painter(shots: list[ShotSpec], width: int, height: int) -> Callable[[int, int], np.ndarray]:
    def paint(i: int, local: int) -> np.ndarray:
        return _shot_frame(i if shots[i].style is None else shots[i].style, local, width, height, shots[i].face)
    return paint


def _clip_frame(shots, starts, index, picture, fade_frames, blend_frames) -> np.ndarray:
    """Frame ``index`` of the clip: its shot's picture, faded or blended with a neighbour."""
    k = int(np.searchsorted(starts, index, side="right")) - 1
    shot, t = shots[k], index - starts[k]

    img = picture(k, t)
    # Dissolves and wipes straddle the first frame of the shot they enter (half before, half after).
    half = blend_frames // 2
    for nxt in (k, k + 1):
        if not 0 < nxt < len(shots) or shots[nxt].transition not in ("dissolve", "wipe"):
            continue
        offset = index - starts[nxt]  # frames from the incoming shot's first frame
        if -half <= offset < blend_frames - half:
            alpha = (offset + half + 0.5) / blend_frames
            old, new = picture(nxt - 1, index - starts[nxt - 1]), picture(nxt, offset)
            if shots[nxt].transition == "dissolve":
                img = cv2.addWeighted(old, 1.0 - alpha, new, alpha, 0.0)
            else:
                img = old.copy()
                edge = int(round(alpha * img.shape[1]))
                img[:, :edge] = new[:, :edge]
    fade_in = k > 0 and shot.transition == "fade"
    fade_out = k + 1 < len(shots) and shots[k + 1].transition == "fade"
    gain = 1.0
    if fade_in and t < fade_frames:
        gain = min(gain, t / fade_frames)
    if fade_out and t >= shot.frames - fade_frames:
        gain = min(gain, (shot.frames - 1 - t) / fade_frames)
    if gain < 1.0:
        img = (img.astype(np.float32) * gain).astype(np.uint8)
    return img


def _write_audio(container, stream, samples: np.ndarray) -> None:
    chunk = 1024
    pts = 0
    for start in range(0, samples.size, chunk):
        block = samples[start : start + chunk]
        frame = av.AudioFrame.from_ndarray(block[None, :], format="fltp", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = pts
        pts += block.size
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)


def make_audio_only(path: str | Path, seconds: float = 2.0, bpm: float = 120.0) -> Path:
    """An .mp4 holding only an AAC click track (no video stream)."""
    path = Path(path)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        samples, _ = _click_track(seconds, bpm, 0.0)
        _write_audio(container, stream, samples)
    return path
