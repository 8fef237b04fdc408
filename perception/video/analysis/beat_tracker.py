"""Tempo, beats and onsets in plain numpy (no numba: nothing to compile in a fresh process).

The method is Ellis's dynamic-programming beat tracker (2007), as librosa implements it: an onset
envelope (spectral flux of the log-magnitude spectrum), a global tempo from its autocorrelation
weighted by a log-normal prior around 120 BPM, then the beat sequence that best balances strong
onsets against steady spacing.
"""

from __future__ import annotations

import numpy as np

N_FFT = 2048
HOP = 512
START_BPM = 120.0
TIGHTNESS = 100.0
ONSET_FFT = 1024


def onset_envelope(samples: np.ndarray, rate: int, hop: int = HOP, n_fft: int = N_FFT) -> np.ndarray:
    """Spectral flux per frame (frame ``k`` centred on sample ``k * hop``, so a sound starting at
    sample ``t`` shows up in the frame at ``t - n_fft / 2``), in chunks so that long sound tracks
    stay small in memory."""
    padded = np.pad(samples.astype(np.float32), n_fft // 2)
    frame_count = 1 + (len(padded) - n_fft) // hop
    if frame_count < 2:
        return np.zeros(max(frame_count, 0), np.float32)
    window = np.hanning(n_fft).astype(np.float32)
    bands = _band_edges(n_fft, rate)
    flux = np.zeros(frame_count, np.float32)
    previous = None
    chunk = 512
    for first in range(0, frame_count, chunk):
        count = min(chunk, frame_count - first)
        starts = (first + np.arange(count)) * hop
        frames = padded[starts[:, None] + np.arange(n_fft)[None, :]] * window
        power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
        banded = np.add.reduceat(power, bands[:-1], axis=1)
        log_bands = 10.0 * np.log10(np.maximum(banded, 1e-10))
        log_bands = np.maximum(log_bands, log_bands.max() - 80.0)
        stacked = log_bands if previous is None else np.vstack([previous, log_bands])
        rise = np.maximum(0.0, np.diff(stacked, axis=0)).mean(axis=1)
        flux[first + (previous is None) : first + count] = rise
        previous = log_bands[-1:]
    return flux


def _band_edges(n_fft: int, rate: int, bands: int = 64) -> np.ndarray:
    """FFT-bin edges of ``bands`` bands evenly spaced on the mel scale up to 11 kHz."""
    top = min(rate / 2, 11025.0)
    mel = np.linspace(0, 2595 * np.log10(1 + top / 700), bands + 1)
    hz = 700 * (10 ** (mel / 2595) - 1)
    edges = np.unique(np.clip(np.round(hz / rate * n_fft).astype(int), 1, n_fft // 2))
    return edges


def estimate_tempo(envelope: np.ndarray, frame_rate: float) -> float:
    """Tempo in BPM: the envelope's autocorrelation, weighted by a log-normal prior (one octave
    wide) around 120 BPM, at its best lag between 30 and 300 BPM."""
    # Smoothed a little so that a sharp beat between two frames of lag still lines up.
    smooth = np.convolve(envelope, [0.25, 0.5, 0.25], mode="same")
    centred = smooth - smooth.mean()
    size = 1 << int(np.ceil(np.log2(2 * len(centred))))
    spectrum = np.fft.rfft(centred, size)
    autocorrelation = np.fft.irfft(spectrum * np.conj(spectrum), size)[: len(centred)]
    lags = np.arange(1, len(centred))
    bpm = 60.0 * frame_rate / lags
    usable = (bpm >= 30) & (bpm <= 300)
    if not usable.any():
        return 0.0
    prior = np.exp(-0.5 * np.log2(bpm / START_BPM) ** 2)
    score = np.where(usable, autocorrelation[1:] * prior, -np.inf)
    best = int(np.argmax(score))
    lag = float(lags[best])
    if 0 < best < len(score) - 1 and np.isfinite(score[best - 1]) and np.isfinite(score[best + 1]):
        left, mid, right = score[best - 1], score[best], score[best + 1]
        curve = left - 2 * mid + right
        if curve < 0:
            lag += 0.5 * (left - right) / curve
    return 60.0 * frame_rate / lag


def track_beats(envelope: np.ndarray, frame_rate: float, tempo: float) -> np.ndarray:
    """Beat frames: the path through the envelope that rewards onsets and penalises spacing away
    from the tempo's period (log-squared, ``TIGHTNESS``), traced back from the last strong beat."""
    period = 60.0 * frame_rate / tempo
    spread = np.std(envelope, ddof=1) if len(envelope) > 1 else 0.0
    if spread <= 0:
        return np.zeros(0, int)
    offsets = np.arange(-int(period), int(period) + 1)
    local = np.convolve(envelope / spread, np.exp(-0.5 * (offsets * 32.0 / period) ** 2), mode="same")
    n = len(local)
    cumulative = np.zeros(n)
    backlink = np.full(n, -1)
    near, far = int(round(period / 2)), int(round(2 * period))
    for i in range(n):
        lo, hi = max(0, i - far), i - near
        if hi < lo:
            cumulative[i] = local[i]
            continue
        previous = np.arange(lo, hi + 1)
        candidates = cumulative[previous] - TIGHTNESS * np.log((i - previous) / period) ** 2
        best = int(np.argmax(candidates))
        cumulative[i] = local[i] + candidates[best]
        backlink[i] = previous[best]
    peaks = _local_maxima(cumulative)
    if not peaks.size:
        return np.zeros(0, int)
    strong = peaks[cumulative[peaks] >= 0.5 * np.median(cumulative[peaks])]
    beats = [int(strong[-1])]
    while backlink[beats[-1]] >= 0:
        beats.append(int(backlink[beats[-1]]))
    beats = np.array(beats[::-1])
    return _trim_weak_ends(beats, local)


def _trim_weak_ends(beats: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Drop leading and trailing beats weaker than half the beats' RMS strength (silence at the
    start or end of a track)."""
    strength = local[beats]
    threshold = 0.5 * np.sqrt(np.mean(strength**2))
    strong = np.flatnonzero(strength >= threshold)
    return beats[strong[0] : strong[-1] + 1] if strong.size else beats[:0]


def _local_maxima(values: np.ndarray) -> np.ndarray:
    inner = (values[1:-1] > values[:-2]) & (values[1:-1] >= values[2:])
    return np.flatnonzero(inner) + 1


def onset_times(samples: np.ndarray, rate: int, hop: int = 128) -> np.ndarray:
    """Onset times in seconds, each moved back to the quiet just before its attack: peaks of a
    fine (``hop``-sample) onset envelope well above its local mean, backtracked to the preceding
    minimum of the envelope."""
    envelope = onset_envelope(samples, rate, hop=hop, n_fft=ONSET_FFT)
    if envelope.size < 3 or envelope.max() <= 0:
        return np.zeros(0)
    envelope = envelope / envelope.max()
    frames_per_30ms = max(1, int(round(0.03 * rate / hop)))
    width = 2 * int(round(0.1 * rate / hop)) + 1
    local_mean = np.convolve(envelope, np.ones(width) / width, mode="same")
    padded = np.pad(envelope, frames_per_30ms, mode="edge")
    window_max = np.max(
        np.stack([padded[k : k + len(envelope)] for k in range(2 * frames_per_30ms + 1)]), axis=0)
    peaks = np.flatnonzero((envelope >= window_max) & (envelope >= local_mean + 0.07))
    # Keep peaks at least 30 ms apart, then walk back from each to the envelope's last minimum.
    kept: list[int] = []
    for p in peaks:
        if not kept or p - kept[-1] > frames_per_30ms:
            kept.append(int(p))
    onsets = []
    for p in kept:
        j = p
        while j > 0 and envelope[j - 1] < envelope[j]:
            j -= 1
        onsets.append(j)
    # Frame k's window reaches k * hop + n_fft / 2: that is when a sound starting there shows up.
    return (np.array(onsets) * hop + ONSET_FFT // 2) / rate
