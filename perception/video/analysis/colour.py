"""Colour and light: k-means palette in Lab, brightness, saturation, motion energy."""

from __future__ import annotations

import cv2
import numpy as np


def palette(image: np.ndarray, k: int = 5, sample_width: int = 80) -> list[dict]:
    """Dominant colours of a BGR image, clustered in CIE Lab: ``[{"hex", "share"}]`` by share."""
    h, w = image.shape[:2]
    small = cv2.resize(image, (sample_width, max(1, int(h * sample_width / w))), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2Lab).reshape(-1, 3).astype(np.float32)
    k = max(1, min(k, len(lab)))
    cv2.setRNGSeed(7)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    _, labels, centres = cv2.kmeans(lab, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    counts = np.bincount(labels.reshape(-1), minlength=k).astype(np.float64)
    centres, counts = _merge_close(centres, counts)
    bgr = cv2.cvtColor(np.clip(centres, 0, 255).astype(np.uint8)[None, :, :], cv2.COLOR_Lab2BGR)[0]
    order = np.argsort(-counts)
    k = len(counts)
    return [
        {"hex": "#{:02x}{:02x}{:02x}".format(*bgr[i][::-1]), "share": round(float(counts[i] / counts.sum()), 3)}
        for i in order
        if counts[i]
    ]


def _merge_close(centres: np.ndarray, counts: np.ndarray, min_delta: float = 12.0):
    """Merge clusters closer than ``min_delta`` in Lab (8-bit scale): a gradient is one colour."""
    centres, counts = [c.astype(np.float64) for c in centres], list(counts)
    merged = True
    while merged and len(centres) > 1:
        merged = False
        for i in range(len(centres)):
            for j in range(i + 1, len(centres)):
                if np.linalg.norm(centres[i] - centres[j]) < min_delta:
                    total = counts[i] + counts[j]
                    centres[i] = (centres[i] * counts[i] + centres[j] * counts[j]) / max(total, 1)
                    counts[i] = total
                    del centres[j], counts[j]
                    merged = True
                    break
            if merged:
                break
    return np.array(centres, np.float32), np.array(counts)


def brightness(gray: np.ndarray) -> float:
    """Mean luma, 0 (black) to 1 (white)."""
    return cv2.mean(gray)[0] / 255.0  # OpenCV's mean: ~10x cheaper than numpy's on small frames


def saturation(image: np.ndarray) -> float:
    """Mean HSV saturation, 0 (grey) to 1 (pure colour)."""
    return cv2.mean(cv2.cvtColor(image, cv2.COLOR_BGR2HSV))[1] / 255.0


def motion(previous_gray: np.ndarray | None, gray: np.ndarray) -> float:
    """Motion energy between consecutive frames: mean absolute luma change, 0 to 1."""
    if previous_gray is None:
        return 0.0
    return cv2.norm(previous_gray, gray, cv2.NORM_L1) / gray.size / 255.0
