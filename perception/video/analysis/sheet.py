"""Contact sheet (PNG) and keyframe strip (JPEG) images from an analysis."""

from __future__ import annotations

import cv2
import numpy as np


MAX_JPEG_SIDE = 65000


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def _hex_to_bgr(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return b, g, r


def _fit(image: np.ndarray, width: int, height: int) -> np.ndarray:
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def contact_sheet(report: dict, keyframes: list[np.ndarray], title: str = "", columns: int = 5,
                  tile_width: int = 240) -> bytes:
    """A grid of keyframes with times, label, faces and palette under each; PNG bytes."""
    shots = report.get("shots", [])
    if not keyframes:
        keyframes = [np.zeros((90, 160, 3), np.uint8)]
    h0, w0 = keyframes[0].shape[:2]
    tile_h = int(round(tile_width * h0 / w0))
    caption_h, swatch_h, pad, header_h = 38, 12, 8, 56
    rows = (len(keyframes) + columns - 1) // columns
    cols = min(columns, len(keyframes))
    width = pad + cols * (tile_width + pad)
    height = header_h + rows * (tile_h + swatch_h + caption_h + pad) + pad
    sheet = np.full((height, width, 3), 250, np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    headline = title.encode("ascii", "replace").decode() or "Motif video report"
    cv2.putText(sheet, headline[:80], (pad, 24), font, 0.6, (20, 20, 20), 1, cv2.LINE_AA)
    tempo = report.get("tempo_bpm")
    summary = (
        f"{len(shots)} shots  {report.get('cuts_per_minute', 0):.1f} cuts/min  "
        f"avg shot {report.get('average_shot_length', 0):.2f} s"
        + (f"  {tempo:.0f} BPM" if tempo else "")
    )
    cv2.putText(sheet, summary, (pad, 46), font, 0.45, (90, 90, 90), 1, cv2.LINE_AA)
    for i, frame in enumerate(keyframes):
        r, c = divmod(i, columns)
        x = pad + c * (tile_width + pad)
        y = header_h + r * (tile_h + swatch_h + caption_h + pad)
        sheet[y : y + tile_h, x : x + tile_width] = _fit(frame, tile_width, tile_h)
        shot = shots[i] if i < len(shots) else {}
        sx = x
        for colour in shot.get("palette", []):
            w = int(round(colour["share"] * tile_width))
            cv2.rectangle(sheet, (sx, y + tile_h), (min(x + tile_width, sx + w), y + tile_h + swatch_h),
                          _hex_to_bgr(colour["hex"]), -1)
            sx += w
        line1 = f"#{i + 1}  {_clock(shot.get('start', 0))}-{_clock(shot.get('end', 0))}"
        line2 = f"{shot.get('label', '')}  faces {shot.get('faces', 0)}"
        cv2.putText(sheet, line1, (x, y + tile_h + swatch_h + 15), font, 0.42, (30, 30, 30), 1, cv2.LINE_AA)
        cv2.putText(sheet, line2.encode("ascii", "replace").decode(), (x, y + tile_h + swatch_h + 32),
                    font, 0.42, (90, 90, 90), 1, cv2.LINE_AA)
    ok, data = cv2.imencode(".png", sheet)
    return data.tobytes() if ok else b""


def keyframe_strip(keyframes: list[np.ndarray], height: int = 90) -> tuple[bytes, int, int]:
    """All keyframes side by side (JPEG bytes, tile width, tile height) for the timeline.

    Tiles shrink when there are many shots: a JPEG is at most 65,535 pixels wide."""
    if not keyframes:
        keyframes = [np.zeros((height, height * 16 // 9, 3), np.uint8)]
    h0, w0 = keyframes[0].shape[:2]
    height = max(8, min(height, int(MAX_JPEG_SIDE * h0 / (w0 * len(keyframes)))))
    tile_w = max(2, int(round(height * w0 / h0)))
    strip = np.concatenate([_fit(k, tile_w, height) for k in keyframes], axis=1)
    ok, data = cv2.imencode(".jpg", strip, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return (data.tobytes() if ok else b""), tile_w, height
