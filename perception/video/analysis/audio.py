"""Tempo and beats of the soundtrack (:mod:`.beat_tracker`, numpy only: no compilation)."""

from __future__ import annotations

import numpy as np

from . import beat_tracker


def beats(samples: np.ndarray, rate: int) -> tuple[float | None, list[float]]:
    """(tempo in BPM, beat times in seconds); (None, []) for silence or very short audio."""
    if samples.size < rate * 2 or float(np.sqrt(np.mean(samples**2))) < 1e-4:
        return None, []
    envelope = beat_tracker.onset_envelope(samples, rate)
    frame_rate = rate / beat_tracker.HOP
    tempo = beat_tracker.estimate_tempo(envelope, frame_rate)
    if tempo <= 0:
        return None, []
    frames = beat_tracker.track_beats(envelope, frame_rate, tempo)
    beat_times = (frames * beat_tracker.HOP + beat_tracker.N_FFT // 2) / rate
    if not beat_times.size:
        return None, []
    # Beats sit on a 23 ms frame grid; move each one to the start of the nearest onset (6 ms grid)
    # when there is one within 70 ms.
    onsets = beat_tracker.onset_times(samples, rate)
    return round(float(tempo), 2), [round(float(t), 3) for t in snap(beat_times, onsets, 0.07)]


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
    """Run the beat tracker once on noise (numpy's FFT plans and caches; cheap)."""
    rng = np.random.default_rng(0)
    beats(rng.normal(0, 0.1, 22050 * 3).astype(np.float32), 22050)


def cuts_on_beat(cuts: list[float], beat_times: list[float], tolerance: float = 0.08) -> float | None:
    """Share of cuts within ``tolerance`` seconds of a beat; None without cuts or beats."""
    if not cuts or not beat_times:
        return None
    grid = np.asarray(beat_times)
    hits = sum(1 for c in cuts if np.min(np.abs(grid - c)) <= tolerance + 1e-9)
    return round(hits / len(cuts), 4)
