"""Check an uploaded file before any work is queued: is it a video we can analyse?"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import av

from .errors import VideoRejected

# Frames above DCI 4K (4096x2160) are refused: 8K decoding needs several GiB and minutes per clip.
MAX_PIXELS = 4096 * 2160
# Below this many pixels a side there is nothing to see (faces, palettes, shot changes).
MIN_SIDE = 32
# Above this many frames per second decoding alone would take far longer than the video lasts.
MAX_FPS = 240
DEFAULT_MAX_MB = 200
DEFAULT_MAX_SECONDS = 20 * 60


@dataclass(frozen=True)
class ProbeResult:
    """What the probe learnt about a readable video."""

    duration: float
    fps: float
    width: int
    height: int
    frames: int
    has_audio: bool
    codec: str
    size_bytes: int

    def to_dict(self) -> dict:
        return asdict(self)


def _stream_duration(container, stream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def human_duration(seconds: float) -> str:
    """``4 s``, ``3 min 20 s``, ``1 h 05 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def probe_video(
    path: str | os.PathLike,
    max_mb: float = DEFAULT_MAX_MB,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    max_pixels: int = MAX_PIXELS,
) -> ProbeResult:
    """Open ``path`` and verify it is a complete, reasonably sized video.

    Raises :class:`VideoRejected` with a sentence for the uploader otherwise. Checks, in order:
    size on disk, container readable, a video track present, frame size (neither tiny nor above
    4K), duration, frame rate, the first frame decodes, and the last second of the file is there
    (truncated uploads fail here).
    """
    path = Path(path)
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        raise VideoRejected("The file is empty.", "empty")
    if size > max_mb * 1024 * 1024:
        raise VideoRejected(
            f"The file is {_mb(size)}; the limit is {max_mb:g} MB.", "too_big", size=_mb(size),
            limit=f"{max_mb:g} MB",
        )
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise VideoRejected(
            "This file is not a video we can read. Upload an MP4, MOV, MKV or WebM file.", "not_video"
        ) from exc
    with container:
        if not container.streams.video:
            raise VideoRejected("This file has no video track (is it an audio file?).", "no_video")
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if width <= 0 or height <= 0:
            raise VideoRejected("The video track has no picture size; the file looks damaged.", "damaged")
        if min(width, height) < MIN_SIDE:
            raise VideoRejected(
                f"The frames are {width}x{height} pixels; the smallest size we analyse is {MIN_SIDE} pixels "
                "a side. Export a larger version and upload that.",
                "too_small_frames",
                size=f"{width}x{height}",
                min=MIN_SIDE,
            )
        if width * height > max_pixels:
            raise VideoRejected(
                f"The frames are {width}x{height}; the largest size we analyse is 4K "
                "(4096x2160). Export a smaller version and upload that.",
                "too_large_frames",
                size=f"{width}x{height}",
            )
        duration = _stream_duration(container, stream)
        if duration > max_seconds:
            raise VideoRejected(
                f"The video lasts {human_duration(duration)}; the limit is {human_duration(max_seconds)}.",
                "too_long",
                duration=human_duration(duration),
                limit=human_duration(max_seconds),
            )
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        if not _decodes_first_frame(container, stream):
            raise VideoRejected("The video has no frames we can decode (zero-length or damaged).", "no_frames")
        if duration <= 0 or fps <= 0:
            raise VideoRejected("The video has no duration or frame rate; the file looks damaged.", "damaged")
        if fps > MAX_FPS:
            raise VideoRejected(
                f"The video has {fps:g} frames per second; the most we analyse is {MAX_FPS}.",
                "too_fast", fps=f"{fps:g}", limit=MAX_FPS,
            )
        if not _tail_present(container, stream, duration, fps):
            raise VideoRejected("The file ends early: it looks truncated. Upload the complete file.", "truncated")
        frames = stream.frames or int(round(duration * fps))
        return ProbeResult(
            duration=round(duration, 3),
            fps=round(fps, 3),
            width=width,
            height=height,
            frames=frames,
            has_audio=bool(container.streams.audio),
            codec=stream.codec_context.name,
            size_bytes=size,
        )


def _decodes_first_frame(container, stream) -> bool:
    try:
        for _ in container.decode(stream):
            return True
    except av.FFmpegError:
        return False
    return False


def _tail_present(container, stream, duration: float, fps: float) -> bool:
    """Read (not decode) the packets of the last second: a truncated file stops well before
    ``duration``."""
    start = float(stream.start_time * stream.time_base) if stream.start_time else 0.0
    last = None
    try:
        container.seek(int((start + max(0.0, duration - 1.0)) / stream.time_base), stream=stream)
        for packet in container.demux(stream):
            if packet.pts is not None and packet.size:
                end = float((packet.pts + (packet.duration or 0)) * stream.time_base)
                last = end if last is None else max(last, end)
    except av.FFmpegError:
        pass
    if last is None:
        return False
    return last - start >= duration - max(0.5, 3.0 / fps)
