"""Evaluation of the harmony GAN on held-out chorale windows of every metre: MuseGAN's metrics and
voice-leading (parallels, range, spacing, crossing, repeated notes) of the chorales themselves, of
free samples and of harmonisations of the chorales' own sopranos, side by side; harmonisations as the
model writes them and as :func:`studio.services.harmonize` serves them (key-aware decoding, a
voice-leading repair, the best of :data:`CANDIDATES` by voice-leading and key), with the chorale's own
harmony given as chords, and the best of :data:`CANDIDATES` without decoding or repair.

Every report carries a randomly initialised twin's figures (``random_init``).
"""
from __future__ import annotations

import numpy as np
import torch

from studio.ml.checkpoints import build_model
from studio.music.encoding import VOICE_RANGE
from studio.music.harmony_windows import harmonise_window
from studio.music.voice_leading import best_of, pitches_and_onsets, voice_leading_metrics
from studio.training.chorales import ChoraleWindows
from studio.training.metrics import musegan_metrics

CANDIDATES = 8
GAN_MATCHED = ("empty_bars", "used_pitch_classes", "qualified_notes")
STEPS_PER_BEAT = 4


def describe(tokens: np.ndarray) -> dict:
    """MuseGAN metrics and voice-leading of ``(n, 4, steps)`` token arrays in one dict."""
    return {**musegan_metrics(tokens, VOICE_RANGE), **voice_leading_metrics(tokens, VOICE_RANGE)}


def chorale_chords(tokens: np.ndarray) -> list[frozenset]:
    """Per step, the pitch classes the four real voices sound during that beat: the chorale's own
    harmony, standing in for chord symbols a musician would type."""
    pitch, _ = pitches_and_onsets(tokens, VOICE_RANGE)
    out = []
    for t in range(pitch.shape[-1]):
        beat = pitch[:, t - t % STEPS_PER_BEAT:t - t % STEPS_PER_BEAT + STEPS_PER_BEAT]
        out.append(frozenset(int(p) % 12 for p in beat.ravel() if p >= 0))
    return out


def chord_tone_fit(generated: np.ndarray, chords: list[list[frozenset]]) -> float:
    """Share of the lower voices' onsets whose pitch class is in the chord sounding there."""
    hits = []
    for sample, chord in zip(generated, chords):
        pitch, onset = pitches_and_onsets(sample, VOICE_RANGE)
        hits += [int(pitch[v, t]) % 12 in chord[t] for v in (1, 2, 3) for t in np.flatnonzero(onset[v]) if chord[t]]
    return float(np.mean(hits)) if hits else 0.0


@torch.no_grad()
def harmonize_windows(model, windows: ChoraleWindows, generator: torch.Generator, candidates: int = 1,
                      chords: list[list[frozenset]] | None = None, served: bool = True) -> np.ndarray:
    """Harmonisations ``(n, 4, steps)`` of the windows' sopranos in their own metres. ``served``: as
    :func:`studio.services.harmonize` writes them (:func:`~studio.music.harmony_windows.harmonise_window`:
    key-aware decoding, repair, the best of ``candidates`` against ``chords`` when given); otherwise
    as the model writes them, the best of ``candidates`` by
    :func:`~studio.music.voice_leading.harmony_cost`."""
    out = np.zeros_like(windows.tokens)
    for i, (tokens, metre) in enumerate(zip(windows.tokens, windows.metres)):
        chord = chords[i] if chords is not None else None

        def draw(n, allowed=None, soprano=tokens[0], metre=str(metre)):
            return model.sample(n, soprano=np.repeat(soprano[None], n, 0), metre=metre, generator=generator,
                                allowed=allowed).cpu().numpy()

        if served:
            out[i] = harmonise_window(draw, tokens[0], tokens.shape[-1], 1, candidates, chord)[0]
        else:
            out[i] = best_of(draw(candidates), candidates, VOICE_RANGE, chord)[0]
    return out


def gan_scores(model, windows: ChoraleWindows, samples: int, seed: int, with_candidates: bool = True) -> dict:
    """Free samples' and harmonisations' metrics: one draw as the model writes it, and (with
    ``with_candidates``) as served, the best of :data:`CANDIDATES` without and with the chorale's
    harmony as chords, and the best of :data:`CANDIDATES` with neither key-aware decoding nor
    repair (``harmonized_best_of_unrepaired``), plus the chord-tone fit."""
    model.eval()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        free = model.sample(samples, generator=gen).cpu().numpy()
    harmonized = harmonize_windows(model, windows, gen, served=False)
    chords = [chorale_chords(t) for t in windows.tokens]
    out = {"generated": describe(free), "harmonized": describe(harmonized),
           "chord_tone_fit": {"harmonized": chord_tone_fit(harmonized, chords)}}
    if with_candidates:
        best = harmonize_windows(model, windows, gen, CANDIDATES)
        with_chords = harmonize_windows(model, windows, gen, CANDIDATES, chords)
        unrepaired = harmonize_windows(model, windows, gen, CANDIDATES, served=False)
        out["harmonized_best_of"] = describe(best)
        out["harmonized_best_of_with_chords"] = describe(with_chords)
        out["harmonized_best_of_unrepaired"] = describe(unrepaired)
        out["chord_tone_fit"].update({"harmonized_best_of": chord_tone_fit(best, chords),
                                      "harmonized_best_of_with_chords": chord_tone_fit(with_chords, chords),
                                      "harmonized_best_of_unrepaired": chord_tone_fit(unrepaired, chords)})
    out["by_metre"] = {m: {"windows": int((windows.metres == m).sum()),
                           **{k: describe(harmonized[windows.metres == m])[k]
                              for k in ("in_key_ratio", "parallels_per_100_beats", "repeated_notes")}}
                       for m in sorted(set(windows.metres.tolist()))}
    return out


def evaluate_gan(model, windows: ChoraleWindows, samples: int = 256, seed: int = 0) -> dict:
    """The GAN report: the chorales' own figures (``data``, with ``chord_tone_fit`` 1 by
    construction omitted), the trained model's, whether empty bars, used pitch classes and qualified
    notes of free samples are within 25 % of the data, the goals (harmonised in-key >= 0.92,
    parallels at most twice the chorales'), and ``random_init`` for an untrained twin."""
    rng = np.random.default_rng(seed)
    if len(windows) > samples:
        windows = windows.where(np.isin(np.arange(len(windows)), rng.permutation(len(windows))[:samples]))
    data = describe(windows.tokens)
    report = {"windows": int(len(windows)), "metres": {m: int((windows.metres == m).sum())
                                                       for m in sorted(set(windows.metres.tolist()))},
              "data": data}
    report.update(gan_scores(model, windows, samples, seed))
    report["within_25_percent"] = {k: _within(report["generated"][k], data[k]) for k in GAN_MATCHED}
    kept = report["harmonized_best_of"]
    report["goals"] = {"in_key_ratio_at_least_0.92": kept["in_key_ratio"] >= 0.92,
                       "parallels_at_most_twice_the_chorales": kept["parallels_per_100_beats"]
                       <= 2 * data["parallels_per_100_beats"]}
    torch.manual_seed(seed)
    baseline = build_model("gan", model.config.to_dict()).to(model.device)
    report["random_init"] = gan_scores(baseline, windows, samples, seed, with_candidates=False)
    return report


def _within(value: float, reference: float, tolerance: float = 0.25) -> bool:
    """Relative closeness; for a zero reference (the data has no empty bars) at most 0.02 absolute."""
    if reference == 0:
        return abs(value) <= 0.02
    return abs(value - reference) <= tolerance * abs(reference)
