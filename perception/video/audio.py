"""Tempo and beats of the soundtrack with librosa."""

from __future__ import annotations

import numpy as np


def beats(samples: np.ndarray, rate: int) -> tuple[float | None, list[float]]:
    """(tempo in BPM, beat times in seconds); (None, []) for silence or very short audio.

    The first call compiles librosa's numba kernels (about 20 s): call :func:`warm_up` in workers.
    """
    if samples.size < rate * 2 or float(np.sqrt(np.mean(samples**2))) < 1e-4:
        return None, []
    import librosa

    tempo, beat_times = librosa.beat.beat_track(y=samples, sr=rate, units="time")
    tempo_value = float(np.atleast_1d(tempo)[0])
    if not beat_times.size or tempo_value <= 0:
        return None, []
    # The tracker's beats sit on a 23 ms frame grid and lag the attack by 10-30 ms; move each one
    # to the start of the nearest onset (6 ms grid) when there is one within 70 ms.
    onsets = librosa.onset.onset_detect(y=samples, sr=rate, hop_length=128, backtrack=True, units="time")
    return round(tempo_value, 2), [round(float(t), 3) for t in snap(beat_times, onsets, 0.07)]


def snap(times: np.ndarray, anchors: np.ndarray, window: float) -> np.ndarray:
    """Each time moved to the nearest anchor within ``window`` seconds (else left as it is)."""
    times = np.asarray(times, dtype=float)
    anchors = np.sort(np.asarray(anchors, dtype=float))
    if not anchors.size:
        return times
    right = np.clip(np.searchsorted(anchors, times), 0, anchors.size - 1)
    left = np.clip(right - 1, 0, anchors.size - 1)
    nearest = np.where(np.abs(anchors[left] - times) <= np.abs(anchors[right] - times), anchors[left], anchors[right])
    return np.where(np.abs(nearest - times) <= window, nearest, times)


def warm_up() -> None:
    """Run the beat tracker once on noise so numba compiles outside request paths."""
    rng = np.random.default_rng(0)
    beats(rng.normal(0, 0.1, 22050 * 3).astype(np.float32), 22050)


def cuts_on_beat(cuts: list[float], beat_times: list[float], tolerance: float = 0.08) -> float | None:
    """Share of cuts within ``tolerance`` seconds of a beat; None without cuts or beats."""
    if not cuts or not beat_times:
        return None
    grid = np.asarray(beat_times)
    hits = sum(1 for c in cuts if np.min(np.abs(grid - c)) <= tolerance + 1e-9)
    return round(hits / len(cuts), 4)
