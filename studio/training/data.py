"""Windows of the parsed corpus as token arrays, split by work, cached on disk.

* Melody windows: 2 and 4 bars (32 / 64 steps), every bar a possible start (hop of one bar), from
  every melody and every chorale soprano. A window is kept when none of its bars is silent, its span
  fits :data:`~studio.music.encoding.MELODY_RANGE` (moved by octaves if needed); duplicates inside
  a work (repeats) are dropped.
* Chorale windows: 4 bars of the four voices, hop one bar, every bar of every voice sounding, each
  voice within :data:`~studio.music.encoding.VOICE_RANGE`.

Validation works are those whose id hashes to 0 mod 10 (about 10 %): deterministic and by work, so no
window of a validation work is ever trained on. Transposition is applied at training time.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.music.corpus import Work, cache_root, parse_corpus
from studio.music.encoding import MELODY_RANGE, VOICE_RANGE, encode_line, fit_octave
from studio.music.score import STEPS_PER_BAR, Note

DATA_VERSION = 1
VALIDATION_MODULO = 10


def is_validation(work_id: str) -> bool:
    """Deterministic work-level split: about one work in ten goes to validation."""
    return int(hashlib.sha1(work_id.encode()).hexdigest(), 16) % VALIDATION_MODULO == 0


def _bars_sounding(notes: list[Note], start: int, bars: int) -> bool:
    """True when each bar of the window has a note sounding at some step."""
    for b in range(bars):
        lo, hi = start + b * STEPS_PER_BAR, start + (b + 1) * STEPS_PER_BAR
        if not any(n.start < hi and n.end > lo for n in notes):
            return False
    return True


def line_windows(line: list[Note], bars: int, hop_bars: int = 1) -> list[np.ndarray]:
    """Token windows of one melodic line (see the module docstring for the filters)."""
    steps = bars * STEPS_PER_BAR
    if not line:
        return []
    total = max(n.end for n in line)
    seen, out = set(), []
    for start in range(0, total - STEPS_PER_BAR + 1, hop_bars * STEPS_PER_BAR):
        inside = [Note(n.pitch, n.start - start, n.duration, voice=n.voice)
                  for n in line if start <= n.start < start + steps]
        if not inside or not _bars_sounding(inside, 0, bars):
            continue
        fitted = fit_octave(inside, MELODY_RANGE)
        if fitted is None:
            continue
        tokens = encode_line(fitted, steps, MELODY_RANGE)
        key = tokens.tobytes()
        if key not in seen:
            seen.add(key)
            out.append(tokens)
    return out


def chorale_windows(voices: list[list[Note]], bars: int = 4, hop_bars: int = 1) -> list[np.ndarray]:
    """``(4, bars*16)`` token windows of a chorale's four voices."""
    steps = bars * STEPS_PER_BAR
    total = max(n.end for v in voices for n in v)
    out = []
    for start in range(0, total - steps + 1, hop_bars * STEPS_PER_BAR):
        rows = []
        for v in voices:
            inside = [Note(n.pitch, n.start - start, n.duration, voice=n.voice)
                      for n in v if start <= n.start < start + steps]
            if not inside or not _bars_sounding(inside, 0, bars) or any(not VOICE_RANGE.contains(n.pitch) for n in inside):
                break
            rows.append(encode_line(inside, steps, VOICE_RANGE))
        if len(rows) == 4:
            out.append(np.stack(rows))
    return out


@dataclass
class WindowSet:
    """Token windows and the index of the work each came from, for one split."""

    tokens: np.ndarray
    work: np.ndarray

    def __len__(self) -> int:
        return len(self.tokens)


def _stack(items: list[tuple[np.ndarray, int]], shape: tuple[int, ...]) -> WindowSet:
    if not items:
        return WindowSet(np.zeros((0,) + shape, dtype=np.uint8), np.zeros(0, dtype=np.int32))
    return WindowSet(np.stack([t for t, _ in items]).astype(np.uint8), np.array([w for _, w in items], dtype=np.int32))


def build_windows(works: list[Work]) -> dict[str, WindowSet]:
    """All window sets: ``melody2_train``, ``melody2_valid``, ``melody4_*`` and ``chorale4_*``."""
    buckets: dict[str, list] = {f"{k}_{s}": [] for k in ("melody2", "melody4", "chorale4") for s in ("train", "valid")}
    for index, work in enumerate(works):
        split = "valid" if is_validation(work.work_id) else "train"
        for bars in (2, 4):
            buckets[f"melody{bars}_{split}"] += [(t, index) for t in line_windows(work.voices[0], bars)]
        if work.kind == "chorale":
            buckets[f"chorale4_{split}"] += [(t, index) for t in chorale_windows(work.voices)]
    shapes = {"melody2": (32,), "melody4": (64,), "chorale4": (4, 64)}
    return {name: _stack(items, shapes[name.split("_")[0]]) for name, items in buckets.items()}


def load_windows(workers: int = 2, progress: bool = True, **parse_kwargs) -> tuple[dict[str, WindowSet], str, list[str]]:
    """Windows of the music21 corpus (parsed and windowed once, then read from the cache).
    Returns ``(sets, data_hash, work_ids)``."""
    works, parse_hash = parse_corpus(workers=workers, progress=progress, **parse_kwargs)
    digest = hashlib.sha1(json.dumps({"parse": parse_hash, "data": DATA_VERSION,
                                      "melody_range": [MELODY_RANGE.low, MELODY_RANGE.high],
                                      "voice_range": [VOICE_RANGE.low, VOICE_RANGE.high]}).encode()).hexdigest()[:12]
    path: Path = cache_root() / parse_hash / f"windows-{digest}.npz"
    work_ids = [w.work_id for w in works]
    if path.exists():
        with np.load(path) as z:
            sets = {name: WindowSet(z[name + "/tokens"], z[name + "/work"]) for name in
                    {k.split("/")[0] for k in z.files}}
        return sets, digest, work_ids
    sets = build_windows(works)
    arrays = {f"{n}/{f}": getattr(s, f) for n, s in sets.items() for f in ("tokens", "work")}
    tmp = path.with_name(path.stem + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)
    return sets, digest, work_ids


def corpus_stats(sets: dict[str, WindowSet]) -> dict:
    """Counts of windows and works per set, for model cards."""
    return {name: {"windows": len(s), "works": int(len(np.unique(s.work)))} for name, s in sorted(sets.items())}
