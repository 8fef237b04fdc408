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
from studio.music.chords import chord_codes, code_features, estimate_chords, pitch_classes
from studio.music.encoding import MELODY_RANGE, VOICE_RANGE, decode_line, encode_line
from studio.music.errors import ModelUnavailable, ScoreError
from studio.music.keys import parse_key, shift_to_key, transpose_notes
from studio.music.score import STEPS_PER_BAR, SUPPORTED_METRES, VOICE_NAMES_SATB, Chord, Note, Score, steps_per_bar
from studio.ml import CONVERT_HINT, FILENAMES, LEGACY_SUFFIX

__all__ = ["ModelUnavailable", "ScoreError", "sample", "vary", "interpolate", "harmonize", "suggest_chords",
           "get_model"]

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


VAE_BARS = (2, 4, 8, 16)


def _check(bars: int, count: int, allowed: tuple[int, ...] = (2, 4)) -> None:
    if bars not in allowed:
        raise ValueError(f"bars must be one of {', '.join(map(str, allowed))}")
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 1 and {MAX_COUNT}")


def _check_metre(metre: str) -> None:
    if metre not in SUPPORTED_METRES:
        raise ValueError(f"the metre {metre} is not supported; choose one of {', '.join(SUPPORTED_METRES)}")


def _chord_features(chords: list[Chord] | None, steps: int):
    """``(1, steps, features)`` chord inputs of the VAE, or ``None`` without chords (every symbol is
    checked first: a ChordError names one it cannot read)."""
    if not chords:
        return None
    for chord in chords:
        if not isinstance(chord, Chord):
            raise ValueError("chords must be a list of Chord objects (see studio.music.chords.parse_progression)")
        pitch_classes(chord.symbol)
    return code_features(chord_codes(chords, steps))[None]


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


def _clip_chords(chords: list[Chord] | None, steps: int) -> list[Chord]:
    return [Chord(c.symbol, c.start, min(c.duration, steps - c.start)) for c in chords or [] if c.start < steps]


def sample(model: str, count: int, bars: int, key: str = "C", tempo: float = 120.0, temperature: float = 1.0,
           seed: int | None = None, attributes: dict[str, float] | None = None, metre: str = "4/4",
           chords: list[Chord] | None = None) -> list[Score]:
    """``count`` new sketches: melodies from the VAE (2, 4, 8 or 16 bars of ``metre``, over ``chords``
    when given: the melody then keeps the chords' pitch, not ``key``'s tonic), or four-voice passages
    from the GAN. ``attributes`` (VAE only) pushes the latent along attribute vectors, e.g.
    ``{"note_density": 1.0, "pitch_height": -0.5, "major_feel": 1.0}``."""
    parse_key(key)
    _check_metre(metre)
    gen = _generator(seed)
    if model == "vae":
        _check(bars, count, VAE_BARS)
        steps = bars * steps_per_bar(metre)
        features = _chord_features(chords, steps)
        vae = get_model("vae")
        cond = None if features is None else _on(vae, np.repeat(features, count, 0))
        tokens = batching.vae_sample(vae, count, bars, metre, cond, temperature, gen, attributes).numpy()
        lines = [decode_line(t, MELODY_RANGE) for t in tokens]
        meta = {"temperature": temperature, "seed": seed}
        if features is not None:
            return [Score(n, bars, tempo, key, ["melody"], "vae", dict(meta), metre, _clip_chords(chords, steps))
                    for n in lines]
        return [Score(_in_key(n, key, MELODY_RANGE), bars, tempo, key, ["melody"], "vae", dict(meta), metre)
                for n in lines]
    if model == "gan":
        _check(bars, count)
        steps = bars * STEPS_PER_BAR
        rolls = batching.gan_sample(get_model("gan"), count, gen, temperature).numpy()[..., :steps]
        out = []
        for roll in rolls:
            notes = [n for v in range(4) for n in decode_line(roll[v], VOICE_RANGE, voice=v)]
            out.append(Score(_in_key(notes, key, VOICE_RANGE), bars, tempo, key, list(VOICE_NAMES_SATB), "gan",
                              {"temperature": temperature, "seed": seed}))
        return out
    raise ValueError(f"unknown model {model!r}; choose vae or gan")


def _window_bars(score: Score) -> int:
    """The shortest VAE window (2, 4, 8 or 16 bars) holding the score's first 16 bars."""
    return next(b for b in VAE_BARS if b >= min(max(1, score.bars), VAE_BARS[-1]))


def _melody_tokens(score: Score, bars: int, voice: int = 0) -> tuple[np.ndarray, int]:
    """Voice ``voice`` of ``score`` over its first ``bars`` bars as VAE tokens, and the octave shift
    used to bring it into the melody range."""
    from studio.music.grid import clean_line  # music21 loads with the first score, not at start-up

    steps = bars * score.steps_per_bar
    notes = [n for n in score.voice_notes(voice) if n.start < steps]
    if not notes and voice == 0:
        notes = clean_line([n for n in score.notes if n.start < steps])
    if not notes:
        raise ValueError("the chosen voice has no notes in its first bars")
    centre = (MELODY_RANGE.low + MELODY_RANGE.high) / 2
    shift = 12 * round((centre - np.mean([n.pitch for n in notes])) / 12)
    fitted = []
    for n in clean_line(notes):
        p = n.pitch + shift
        while p < MELODY_RANGE.low:
            p += 12
        while p > MELODY_RANGE.high:
            p -= 12
        fitted.append(Note(p, n.start, min(n.duration, steps - n.start)))
    return encode_line(fitted, steps, MELODY_RANGE), shift


def _melody_score(tokens, shift: int, like: Score, bars: int, meta: dict, chords: list[Chord] | None = None) -> Score:
    """A one-voice score of ``tokens`` cut to ``bars`` bars of ``like``'s metre, moved back by ``shift``."""
    steps = bars * like.steps_per_bar
    notes = [Note(n.pitch, n.start, min(n.duration, steps - n.start))
             for n in transpose_notes(decode_line(tokens, MELODY_RANGE), -shift) if n.start < steps]
    return Score(notes, bars, like.tempo, like.key, ["melody"], "vae", meta, like.metre, _clip_chords(chords, steps))


def vary(score: Score, amount: float, count: int, seed: int | None = None, chords: list[Chord] | None = None,
         voice: int = 0) -> list[Score]:
    """``count`` variations of one voice of the score (``voice``, 0 = the melody or top line) in its
    metre; ``amount`` 0 keeps it, 1 is unrelated. Up to 16 bars are varied (a longer score's first 16;
    ``meta["varied_bars"]`` says so); ``chords`` (default: the score's own) guide the variations."""
    if not 0.0 <= amount <= 1.0:
        raise ValueError("amount must be between 0 and 1")
    if not 0 <= voice < max(1, len(score.voices)):
        raise ValueError(f"voice must be between 0 and {max(1, len(score.voices)) - 1}")
    window = _window_bars(score)
    _check(window, count, VAE_BARS)
    bars = min(score.bars, window)
    chords = score.chords if chords is None else chords
    tokens, shift = _melody_tokens(score, window, voice)
    features = _chord_features(chords, window * score.steps_per_bar)  # an octave shift keeps them
    vae = get_model("vae")
    out = batching.vae_vary(vae, _on(vae, tokens), amount, count, score.metre,
                            None if features is None else _on(vae, features), _generator(seed)).numpy()
    meta = {"source": "vary", "amount": amount, "seed": seed, "voice": voice, "varied_bars": bars}
    return [_melody_score(t, shift, score, bars, dict(meta), chords) for t in out]


def interpolate(a: Score, b: Score, steps: int) -> list[Score]:
    """``steps`` melodies along the latent path from ``a`` to ``b`` (the ends are their
    reconstructions), in their shared metre; lengths follow the longer of the two (up to 16 bars)."""
    if not 2 <= steps <= 16:
        raise ValueError("steps must be between 2 and 16")
    if a.metre != b.metre:
        raise ValueError(f"both sketches must be in the same metre to interpolate (one is {a.metre}, "
                         f"the other {b.metre})")
    window = max(_window_bars(a), _window_bars(b))
    bars = min(max(a.bars, b.bars), window)
    ta, shift = _melody_tokens(a, window)
    tb, _shift_b = _melody_tokens(b, window)
    vae = get_model("vae")
    out = batching.vae_interpolate(vae, _on(vae, ta), _on(vae, tb), steps, a.metre).numpy()
    return [_melody_score(t, shift, a, bars, {"source": "interpolate", "position": i / (steps - 1)})
            for i, t in enumerate(out)]


def suggest_chords(score: Score) -> list[Chord]:
    """Chords for the score's melody (voice 0, or its top line): one a bar from the main triads of the
    score's key, or two where the harmony clearly changes within the bar."""
    from studio.music.grid import clean_line

    notes = score.voice_notes(0) or clean_line(list(score.notes))
    if not notes:
        raise ValueError("the sketch has no notes to suggest chords for")
    return estimate_chords(notes, score.metre, score.bars, parse_key(score.key))


def harmonize(melody: Score, seed: int | None = None, count: int = 1) -> list[Score]:
    """Four-voice settings of the sketch's melody (kept unchanged as the soprano) in its metre,
    written by the GAN in windows that start on the melody's bar lines; alto, tenor and bass follow
    the melody's octave. The lower voices keep to the melody's key, estimated per window (a short
    last window with the window before it), with chromatic notes only where the melody or a chord
    symbol sounds them; for each result :data:`HARMONY_CANDIDATES` windows are drawn, their parallel
    fifths and octaves and crossings repaired, and the one with the best voice-leading, key fit and
    (when the melody carries chord symbols) chord-tone fit is kept
    (:func:`studio.music.harmony_windows.harmonise_window`). Chords are copied to the results."""
    from studio.music.harmony_windows import bar_aligned_chunks, chord_steps, harmonise_window, soprano_window

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
    chunks = bar_aligned_chunks(melody.metre, bars, window)
    previous = None
    for start, length in chunks:
        cond = soprano_window(soprano, start, length, window, shift)
        chords = chord_steps(melody.chords, start, length) if melody.chords else None
        context = previous if length < chunks[0][1] else None  # a short last window borrows the bars before it
        previous = cond

        def draw(n, allowed, cond=cond):
            return batching.gan_sample(gan, n, gen, metre=melody.metre, soprano=np.repeat(cond[None], n, 0),
                                       allowed=allowed).numpy()

        for i, chosen in enumerate(harmonise_window(draw, cond, length, count, HARMONY_CANDIDATES, chords, context)):
            for v in (1, 2, 3):
                for n in decode_line(chosen[v], VOICE_RANGE, voice=v):
                    voices_out[i].append(Note(n.pitch - shift, start + n.start, n.duration, voice=v))
    kept = [Note(n.pitch, n.start, n.duration, n.velocity, 0) for n in soprano if n.start < total]
    return [Score(kept + [n for n in notes if 0 <= n.pitch <= 127], bars, melody.tempo, melody.key,
                  list(VOICE_NAMES_SATB), "gan", {"source": "harmonize", "seed": seed}, metre=melody.metre,
                  chords=list(melody.chords))
            for notes in voices_out]
