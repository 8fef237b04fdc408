"""Windows of the parsed corpus as token arrays, split by work, cached on disk.

* Melody windows: 2, 4, 8 and 16 bars of the work's own metre (a bar is ``steps_per_bar`` 16th steps),
  starting every bar (2 and 4 bars), every second bar (8) or every fourth (16), from every melody and
  every chorale soprano. A window is kept when none of its bars is silent and its span fits
  :data:`~studio.music.encoding.MELODY_RANGE` (moved by octaves if needed); duplicates inside a work
  (repeats) are dropped. Each window carries chord labels per step: the chords
  :func:`~studio.music.chords.estimate_chords` reads from the whole work (one a bar, or a half bar), as
  :func:`~studio.music.chords.chord_code` ints.
* Chorale windows: 4 bars of the four voices in 4/4 or 2/2, hop one bar, every bar of every voice
  sounding, each voice within :data:`~studio.music.encoding.VOICE_RANGE`.

Validation works are those whose id hashes to 0 mod 10 (about 10 %): deterministic and by work, so no
window of a validation work is ever trained on. Transposition is applied at training time.
"""
from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.music.chords import chord_codes, estimate_chords
from studio.music.corpus import Work, cache_root, parse_corpus
from studio.music.encoding import MELODY_RANGE, VOICE_RANGE, encode_line, fit_octave
from studio.music.score import STEPS_PER_BAR, SUPPORTED_METRES, Note, steps_per_bar

DATA_VERSION = 2
WINDOW_HOPS = {2: 1, 4: 1, 8: 2, 16: 4}
VALIDATION_MODULO = 10


def is_validation(work_id: str) -> bool:
    """Deterministic work-level split: about one work in ten goes to validation."""
    return int(hashlib.sha1(work_id.encode()).hexdigest(), 16) % VALIDATION_MODULO == 0


def _bars_sounding(notes: list[Note], start: int, bars: int, bar_steps: int = STEPS_PER_BAR) -> bool:
    """True when each bar of the window has a note sounding at some step."""
    for b in range(bars):
        lo, hi = start + b * bar_steps, start + (b + 1) * bar_steps
        if not any(n.start < hi and n.end > lo for n in notes):
            return False
    return True


def line_windows(line: list[Note], bars: int, hop_bars: int = 1, metre: str = "4/4",
                 codes: np.ndarray | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(tokens, chord codes)`` windows of one melodic line in ``metre`` (see the module docstring
    for the filters); ``codes`` gives the line's chord code per step (none: every step "no chord")."""
    bar_steps = steps_per_bar(metre)
    steps = bars * bar_steps
    if not line:
        return []
    line = sorted(line, key=lambda n: n.start)
    starts = [n.start for n in line]
    total = max(n.end for n in line)
    seen, out = set(), []
    for start in range(0, total - bar_steps + 1, hop_bars * bar_steps):
        inside = [Note(n.pitch, n.start - start, n.duration, voice=n.voice)
                  for n in line[bisect_left(starts, start):bisect_left(starts, start + steps)]]
        if not inside or not _bars_sounding(inside, 0, bars, bar_steps):
            continue
        fitted = fit_octave(inside, MELODY_RANGE)
        if fitted is None:
            continue
        tokens = encode_line(fitted, steps, MELODY_RANGE)
        window_codes = np.full(steps, -1, dtype=np.int32)
        if codes is not None:
            part = codes[start:start + steps]
            window_codes[:len(part)] = part
        key = tokens.tobytes() + window_codes.tobytes()
        if key not in seen:
            seen.add(key)
            out.append((tokens, window_codes))
    return out


def work_chord_codes(line: list[Note], metre: str) -> np.ndarray:
    """Per step of ``line``, the code of the chord :func:`estimate_chords` reads for it."""
    if not line:
        return np.zeros(0, dtype=np.int32)
    bar_steps = steps_per_bar(metre)
    bars = -(-max(n.end for n in line) // bar_steps)
    return chord_codes(estimate_chords(line, metre, bars), bars * bar_steps)


def melody_set_name(bars: int, metre: str, split: str) -> str:
    """``melody16_6-8_train``: the name of a melody window set."""
    return f"melody{bars}_{metre.replace('/', '-')}_{split}"


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
    """Token windows, the index of the work each came from and (melody sets) chord codes per step."""

    tokens: np.ndarray
    work: np.ndarray
    chords: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.tokens)


def _stack(items: list[tuple], shape: tuple[int, ...], with_chords: bool) -> WindowSet:
    if not items:
        empty = np.zeros((0,) + shape, dtype=np.uint8)
        return WindowSet(empty, np.zeros(0, dtype=np.int32), empty.astype(np.int32) if with_chords else None)
    tokens = np.stack([t for t, *_ in items]).astype(np.uint8)
    works = np.array([w for *_, w in items], dtype=np.int32)
    chords = np.stack([c for _t, c, _w in items]).astype(np.int32) if with_chords else None
    return WindowSet(tokens, works, chords)


def build_windows(works: list[Work]) -> dict[str, WindowSet]:
    """All window sets: ``melody{2,4,8,16}_{metre}_{train,valid}`` (see :func:`melody_set_name`) and
    ``chorale4_{train,valid}``."""
    buckets: dict[str, list] = {melody_set_name(b, m, s): [] for b in WINDOW_HOPS for m in SUPPORTED_METRES
                                for s in ("train", "valid")}
    buckets.update({f"chorale4_{s}": [] for s in ("train", "valid")})
    shapes = {name: (int(name[6:name.index("_")]) * steps_per_bar(name.split("_")[1].replace("-", "/")),)
              for name in buckets if name.startswith("melody")}
    shapes.update({f"chorale4_{s}": (4, 64) for s in ("train", "valid")})
    for index, work in enumerate(works):
        split = "valid" if is_validation(work.work_id) else "train"
        line = work.voices[0]
        codes = work_chord_codes(line, work.metre)
        for bars, hop in WINDOW_HOPS.items():
            buckets[melody_set_name(bars, work.metre, split)] += [
                (t, c, index) for t, c in line_windows(line, bars, hop, work.metre, codes)]
        if work.kind == "chorale" and steps_per_bar(work.metre) == STEPS_PER_BAR:
            buckets[f"chorale4_{split}"] += [(t, index) for t in chorale_windows(work.voices)]
    return {name: _stack(items, shapes[name], name.startswith("melody")) for name, items in buckets.items()}


def load_windows(workers: int = 2, progress: bool = True, partial: bool = False,
                 **parse_kwargs) -> tuple[dict[str, WindowSet], str, list[str]]:
    """Windows of the music21 corpus (parsed and windowed once, then read from the cache); with
    ``partial``, of the corpus shards parsed so far. Returns ``(sets, data_hash, work_ids)``."""
    works, parse_hash = parse_corpus(workers=workers, progress=progress, partial=partial, **parse_kwargs)
    work_ids = [w.work_id for w in works]
    digest = hashlib.sha1(json.dumps({"parse": parse_hash, "data": DATA_VERSION, "works": work_ids,
                                      "melody_range": [MELODY_RANGE.low, MELODY_RANGE.high],
                                      "voice_range": [VOICE_RANGE.low, VOICE_RANGE.high]}).encode()).hexdigest()[:12]
    path: Path = cache_root() / parse_hash / f"windows-{digest}.npz"
    if path.exists():
        with np.load(path) as z:
            names = {k.split("/")[0] for k in z.files}
            sets = {name: WindowSet(z[name + "/tokens"], z[name + "/work"],
                                    z[name + "/chords"] if name + "/chords" in z.files else None) for name in names}
        return sets, digest, work_ids
    sets = build_windows(works)
    arrays = {f"{n}/{f}": getattr(s, f) for n, s in sets.items() for f in ("tokens", "work", "chords")
              if getattr(s, f) is not None}
    tmp = path.with_name(path.stem + ".tmp.npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)
    return sets, digest, work_ids


def corpus_stats(sets: dict[str, WindowSet]) -> dict:
    """Counts of windows and works per non-empty set, for model cards."""
    return {name: {"windows": len(s), "works": int(len(np.unique(s.work)))} for name, s in sorted(sets.items())
            if len(s)}
