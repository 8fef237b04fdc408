"""What the studio's views and job handlers call: generate, vary, interpolate, harmonise, read and
write scores. Plain functions on :class:`~studio.music.score.Score` objects; no Django ORM.

Models are loaded once per process (a module-level cache) from ``$MOTIF_MODEL_DIR`` when it holds the
checkpoint (``melody_vae.safetensors``, ``harmony_gan.safetensors``), otherwise from ``studio/checkpoints/``.
An old pickled ``.pt`` there is never loaded: it is logged once with the command that converts it.
"""
from __future__ import annotations

import logging
import os
import random
import threading
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from jobs.loaded_models import note_loaded
from studio import batching
from studio.music.encoding import MELODY_RANGE, VOICE_RANGE, decode_line, encode_line
from studio.music.errors import ModelUnavailable, ScoreError
from studio.music.keys import parse_key, shift_to_key, transpose_notes
from studio.music.score import STEPS_PER_BAR, VOICE_NAMES_SATB, Note, Score
from studio.ml import CONVERT_HINT, FILENAMES, LEGACY_SUFFIX

__all__ = ["ModelUnavailable", "ScoreError", "sample", "vary", "interpolate", "harmonize", "get_model"]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "checkpoints"
MAX_COUNT = 64
HARMONY_CANDIDATES = 8
_models: dict[tuple[str, str], object] = {}
_lock = threading.Lock()
_legacy_reported: set[Path] = set()
log = logging.getLogger(__name__)


def model_path(kind: str, model_dir: str | Path | None = None) -> Path:
    """Checkpoint path of ``kind``: ``model_dir``, then ``$MOTIF_MODEL_DIR``, then the committed one."""
    if kind not in FILENAMES:
        raise ValueError(f"unknown model {kind!r}; choose vae or gan")
    for folder in (model_dir, os.environ.get("MOTIF_MODEL_DIR")):
        if folder and (Path(folder) / FILENAMES[kind]).exists():
            return Path(folder) / FILENAMES[kind]
        if folder:
            _report_legacy((Path(folder) / FILENAMES[kind]).with_suffix(LEGACY_SUFFIX))
    return DEFAULT_MODEL_DIR / FILENAMES[kind]


def _report_legacy(path: Path) -> None:
    """Log (once per process) an old pickled checkpoint that is skipped."""
    if path not in _legacy_reported and path.exists():
        _legacy_reported.add(path)
        log.warning("%s is an old pickled checkpoint and is not loaded; %s %s", path, CONVERT_HINT, path)


def get_model(kind: str, model_dir: str | Path | None = None):
    """The loaded model (cached per process and path)."""
    path = model_path(kind, model_dir)
    with _lock:
        cache_key = (kind, str(path))
        if cache_key not in _models:
            if not path.exists():
                log.error("No %s checkpoint at %s", kind, path)
                raise ModelUnavailable(_("The %(model)s model is not installed on this site; please tell its "
                                         "administrator.") % {"model": kind.upper()})
            from studio.ml.checkpoints import load_checkpoint  # torch loads with the first model

            try:
                _models[cache_key], _payload = load_checkpoint(path)
            except Exception:  # noqa: BLE001 - any unreadable file: the detail goes to the log
                log.exception("The %s checkpoint %s could not be loaded", kind, path)
                raise ModelUnavailable(_("The %(model)s model could not be loaded; please tell the site's "
                                         "administrator.") % {"model": kind.upper()}) from None
            note_loaded(kind, _device_of(_models[cache_key]), path)
        return _models[cache_key]


def _device_of(model) -> str:
    """The device of a torch module's first parameter ("cpu" when it has none)."""
    first = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
    return str(first.device) if first is not None else "cpu"


def _generator(seed: int | None):
    import torch

    return torch.Generator().manual_seed(int(seed) if seed is not None else random.SystemRandom().randrange(2**31))


def _on(model, array: np.ndarray):
    """``array`` as a tensor on the model's device."""
    import torch

    return torch.from_numpy(array).to(model.device)


def _check(bars: int, count: int) -> None:
    if bars not in (2, 4):
        raise ValueError("bars must be 2 or 4")
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 1 and {MAX_COUNT}")


def _in_key(notes: list[Note], key: str, prange) -> list[Note]:
    """``notes`` transposed onto ``key``'s tonic, then by octaves back inside ``prange`` if needed."""
    if not notes:
        return notes
    moved = transpose_notes(notes, shift_to_key(notes, key))
    lo, hi = min(n.pitch for n in moved), max(n.pitch for n in moved)
    if lo < prange.low:
        moved = transpose_notes(moved, 12)
    elif hi > prange.high:
        moved = transpose_notes(moved, -12)
    return moved


def sample(model: str, count: int, bars: int, key: str = "C", tempo: float = 120.0, temperature: float = 1.0,
           seed: int | None = None, attributes: dict[str, float] | None = None) -> list[Score]:
    """``count`` new sketches: melodies from the VAE, or four-voice passages from the GAN.
    ``attributes`` (VAE only) pushes the latent along attribute vectors, e.g.
    ``{"note_density": 1.0, "pitch_height": -0.5, "major_feel": 1.0}``."""
    _check(bars, count)
    parse_key(key)
    gen = _generator(seed)
    steps = bars * STEPS_PER_BAR
    if model == "vae":
        tokens = batching.vae_sample(get_model("vae"), count, bars, temperature, gen, attributes).numpy()
        lines = [decode_line(t, MELODY_RANGE) for t in tokens]
        return [Score(_in_key(n, key, MELODY_RANGE), bars, tempo, key, ["melody"], "vae",
                       {"temperature": temperature, "seed": seed}) for n in lines]
    if model == "gan":
        rolls = batching.gan_sample(get_model("gan"), count, gen, temperature).numpy()[..., :steps]
        out = []
        for roll in rolls:
            notes = [n for v in range(4) for n in decode_line(roll[v], VOICE_RANGE, voice=v)]
            out.append(Score(_in_key(notes, key, VOICE_RANGE), bars, tempo, key, list(VOICE_NAMES_SATB), "gan",
                              {"temperature": temperature, "seed": seed}))
        return out
    raise ValueError(f"unknown model {model!r}; choose vae or gan")


def _melody_tokens(sketch: Score, bars: int) -> tuple[np.ndarray, int]:
    """Voice 0 of ``sketch`` over its first ``bars`` bars as VAE tokens, and the octave shift used
    to bring it into the melody range."""
    steps = bars * STEPS_PER_BAR
    notes = [n for n in sketch.voice_notes(0) if n.start < steps] or [n for n in sketch.notes if n.start < steps]
    if not notes:
        raise ValueError("the sketch has no melody notes in its first bars")
    centre = (MELODY_RANGE.low + MELODY_RANGE.high) / 2
    shift = 12 * round((centre - np.mean([n.pitch for n in notes])) / 12)
    fitted = []
    for n in notes:
        p = n.pitch + shift
        while p < MELODY_RANGE.low:
            p += 12
        while p > MELODY_RANGE.high:
            p -= 12
        fitted.append(Note(p, n.start, min(n.duration, steps - n.start)))
    return encode_line(fitted, steps, MELODY_RANGE), shift


def _window_bars(sketch: Score) -> int:
    return 2 if sketch.bars <= 2 else 4


def _melody_sketch(tokens, shift: int, like: Score, bars: int, meta: dict) -> Score:
    notes = transpose_notes(decode_line(tokens, MELODY_RANGE), -shift)
    return Score(notes, bars, like.tempo, like.key, ["melody"], "vae", meta)


def vary(sketch: Score, amount: float, count: int, seed: int | None = None) -> list[Score]:
    """``count`` variations of the sketch's melody; ``amount`` 0 keeps it, 1 is unrelated."""
    if not 0.0 <= amount <= 1.0:
        raise ValueError("amount must be between 0 and 1")
    bars = _window_bars(sketch)
    _check(bars, count)
    tokens, shift = _melody_tokens(sketch, bars)
    vae = get_model("vae")
    out = batching.vae_vary(vae, _on(vae, tokens), amount, count, _generator(seed)).numpy()
    return [_melody_sketch(t, shift, sketch, bars, {"source": "vary", "amount": amount, "seed": seed}) for t in out]


def interpolate(a: Score, b: Score, steps: int) -> list[Score]:
    """``steps`` melodies along the latent path from ``a`` to ``b`` (the ends are their
    reconstructions); lengths follow the longer of the two (2 or 4 bars)."""
    if not 2 <= steps <= 16:
        raise ValueError("steps must be between 2 and 16")
    bars = max(_window_bars(a), _window_bars(b))
    ta, shift = _melody_tokens(a, bars)
    tb, _shift_b = _melody_tokens(b, bars)
    vae = get_model("vae")
    out = batching.vae_interpolate(vae, _on(vae, ta), _on(vae, tb), steps).numpy()
    return [_melody_sketch(t, shift, a, bars, {"source": "interpolate", "position": i / (steps - 1)})
            for i, t in enumerate(out)]


def harmonize(melody: Score, seed: int | None = None, count: int = 1) -> list[Score]:
    """Four-voice settings of the sketch's melody (kept unchanged as the soprano) in its metre,
    written by the GAN in windows that start on the melody's bar lines; alto, tenor and bass follow
    the melody's octave. For each result :data:`HARMONY_CANDIDATES` windows are drawn and the one with
    the best voice-leading, key fit and (when the melody carries chord symbols) chord-tone fit is kept.
    Chords are copied to the results."""
    from studio.music.harmony_windows import bar_aligned_chunks, chord_steps, soprano_window
    from studio.music.voice_leading import best_of

    if not 1 <= count <= 16:
        raise ValueError("count must be between 1 and 16")
    soprano = melody.voice_notes(0) or melody.notes
    if not soprano:
        raise ValueError("the melody has no notes")
    gan = get_model("gan")
    window = gan.config.steps
    bars = max(1, melody.bars)
    total = bars * melody.steps_per_bar
    shift = 12 * round((72 - np.mean([n.pitch for n in soprano])) / 12)
    gen = _generator(seed)
    voices_out: list[list[Note]] = [[] for _ in range(count)]
    for start, length in bar_aligned_chunks(melody.metre, bars, window):
        cond = soprano_window(soprano, start, length, window, shift)
        candidates = batching.gan_sample(gan, count * HARMONY_CANDIDATES, gen, metre=melody.metre,
                                         soprano=np.repeat(cond[None], count * HARMONY_CANDIDATES, 0)).numpy()[..., :length]
        chords = chord_steps(melody.chords, start, length) if melody.chords else None
        for i, chosen in enumerate(best_of(candidates, HARMONY_CANDIDATES, VOICE_RANGE, chords)):
            for v in (1, 2, 3):
                for n in decode_line(chosen[v], VOICE_RANGE, voice=v):
                    voices_out[i].append(Note(n.pitch - shift, start + n.start, n.duration, voice=v))
    kept = [Note(n.pitch, n.start, n.duration, n.velocity, 0) for n in soprano if n.start < total]
    return [Score(kept + [n for n in notes if 0 <= n.pitch <= 127], bars, melody.tempo, melody.key,
                  list(VOICE_NAMES_SATB), "gan", {"source": "harmonize", "seed": seed}, metre=melody.metre,
                  chords=list(melody.chords))
            for notes in voices_out]
