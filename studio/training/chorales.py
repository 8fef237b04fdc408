"""The Bach chorales alone, in every metre the studio supports, as the harmony GAN's data.

Each chorale with four S/A/T/B parts and one time signature from
:data:`~studio.music.score.SUPPORTED_METRES` (in music21's corpus: 4/4, 3/4, 2/2, 3/2) becomes four
monophonic voices on the 16th grid, its anacrusis shifted so that the first full bar starts on a bar
line of its own metre. Parsed in parallel once, then read from
``<cache_root>/chorales-<hash>/chorales.npz`` (plain arrays, ``allow_pickle=False``).

Windows are :data:`WINDOW_STEPS` steps of the four voices starting on every bar line (so a 3/4 window
holds five bars and a third), kept when every voice sounds in every bar it covers and stays within
:data:`~studio.music.encoding.VOICE_RANGE`. Works are split as the rest of the studio data
(:func:`~studio.training.data.is_validation`).
"""
from __future__ import annotations

import json
import multiprocessing as mp
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.music.corpus import SATB, cache_root, chorale_tasks, settings_hash
from studio.music.encoding import VOICE_RANGE, encode_line
from studio.music.score import SUPPORTED_METRES, Note, steps_per_bar
from studio.training.data import is_validation

CHORALE_PARSE_VERSION = 1
WINDOW_STEPS = 64
CACHE_FILE = "chorales.npz"


@dataclass
class Chorale:
    """One parsed chorale: corpus id, metre and its four voices (soprano first)."""

    work_id: str
    metre: str
    voices: list[list[Note]]


def _bar_pickup_shift(part, bar_quarters: float) -> float:
    """Quarter lengths to add so that the first full bar starts on a bar line of the metre."""
    measures = list(part.getElementsByClass("Measure"))
    if not measures:
        return 0.0
    first_full = measures[1].offset if measures[0].paddingLeft and len(measures) > 1 else measures[0].offset
    return float((-first_full) % bar_quarters)


def parse_chorale(task: tuple) -> Chorale | None:
    """Parse one ``chorale_tasks`` entry; ``None`` for a work without four S/A/T/B parts or with no
    single supported metre."""
    from music21 import converter

    from studio.music.grid import metres_of, monophonic_voice

    _kind, work_id, _source, path = task
    try:
        score = converter.parse(path)
        metres = metres_of(score)
        if len(metres) != 1 or next(iter(metres)) not in SUPPORTED_METRES:
            return None
        metre = next(iter(metres))
        by_name = {}
        for part in score.parts:
            name = (part.partName or "").lower()
            for v in SATB:
                if v in name and v not in by_name:
                    by_name[v] = part
        if len(by_name) != 4:
            return None
        chosen = [by_name[v] for v in SATB]
        shift = _bar_pickup_shift(chosen[0], steps_per_bar(metre) / 4)
        voices = [monophonic_voice(p, i, shift) for i, p in enumerate(chosen)]
        if any(len(v) < 4 for v in voices):
            return None
        return Chorale(work_id, metre, voices)
    except Exception:  # noqa: BLE001 - a malformed corpus entry is skipped, not fatal
        return None


def _save(path: Path, chorales: list[Chorale]) -> None:
    voices = [v for c in chorales for v in c.voices]
    notes = np.array([(n.pitch, n.start, n.duration) for v in voices for n in v], dtype=np.int32).reshape(-1, 3)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez(fh, work_id=np.array([c.work_id for c in chorales], dtype=str),
                 metre=np.array([c.metre for c in chorales], dtype=str),
                 notes_per_voice=np.array([len(v) for v in voices], dtype=np.int32), notes=notes)
    tmp.replace(path)


def _load(path: Path) -> list[Chorale]:
    with np.load(path, allow_pickle=False) as z:
        ids, metres = z["work_id"].tolist(), z["metre"].tolist()
        counts, notes = z["notes_per_voice"].tolist(), z["notes"].tolist()
    out, voice, first = [], 0, 0
    for work_id, metre in zip(ids, metres):
        voices = []
        for i in range(4):
            end = first + counts[voice]
            voices.append([Note(p, s, d, voice=i) for p, s, d in notes[first:end]])
            voice, first = voice + 1, end
        out.append(Chorale(work_id, metre, voices))
    return out


def load_chorales(workers: int = 1, progress: bool = True, limit: int | None = None) -> tuple[list[Chorale], str]:
    """The parsed chorales (from the cache when present) and the cache's hash."""
    settings = {"chorales": CHORALE_PARSE_VERSION, "metres": list(SUPPORTED_METRES), "limit": limit}
    digest = settings_hash(settings)
    path = cache_root() / f"chorales-{digest}" / CACHE_FILE
    if path.exists():
        return _load(path), digest
    tasks = chorale_tasks(limit)
    from tqdm import tqdm

    bar = tqdm(total=len(tasks), desc="parsing chorales", unit="work", disable=not progress, file=sys.stderr,
               mininterval=5)
    found: list[Chorale] = []
    if workers > 1:
        with mp.get_context("spawn").Pool(workers) as pool:
            for item in pool.imap_unordered(parse_chorale, tasks, chunksize=8):
                bar.update(1)
                found += [item] if item is not None else []
    else:
        for task in tasks:
            item = parse_chorale(task)
            bar.update(1)
            found += [item] if item is not None else []
    bar.close()
    found.sort(key=lambda c: c.work_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    _save(path, found)
    (path.parent / "settings.json").write_text(json.dumps(settings, indent=1))
    return found, digest


def _sounds_in_every_bar(notes: list[Note], steps: int, bar: int) -> bool:
    return all(any(n.start < lo + bar and n.end > lo for n in notes) for lo in range(0, steps, bar))


def metre_windows(voices: list[list[Note]], metre: str, steps: int = WINDOW_STEPS) -> list[np.ndarray]:
    """``(4, steps)`` token windows of four voices in ``metre``, one starting at every bar line."""
    bar = steps_per_bar(metre)
    total = max(n.end for v in voices for n in v)
    out = []
    for start in range(0, total - steps + 1, bar):
        rows = []
        for v in voices:
            inside = [Note(n.pitch, n.start - start, n.duration, voice=n.voice)
                      for n in v if start <= n.start < start + steps]
            if (not inside or not _sounds_in_every_bar(inside, steps, bar)
                    or any(not VOICE_RANGE.contains(n.pitch) for n in inside)):
                break
            rows.append(encode_line(inside, steps, VOICE_RANGE))
        if len(rows) == 4:
            out.append(np.stack(rows))
    return out


@dataclass
class ChoraleWindows:
    """Token windows ``(n, 4, steps)``, their metre and the index of the chorale each came from."""

    tokens: np.ndarray
    metres: np.ndarray
    work: np.ndarray

    def __len__(self) -> int:
        return len(self.tokens)

    def where(self, mask: np.ndarray) -> "ChoraleWindows":
        """The windows selected by a boolean ``mask``."""
        return ChoraleWindows(self.tokens[mask], self.metres[mask], self.work[mask])


def chorale_window_sets(chorales: list[Chorale], steps: int = WINDOW_STEPS) -> dict[str, ChoraleWindows]:
    """``{"train": ..., "valid": ...}`` windows of ``chorales``, split by work."""
    items: dict[str, list] = {"train": [], "valid": []}
    for index, c in enumerate(chorales):
        split = "valid" if is_validation(c.work_id) else "train"
        items[split] += [(t, c.metre, index) for t in metre_windows(c.voices, c.metre, steps)]
    out = {}
    for split, rows in items.items():
        if rows:
            out[split] = ChoraleWindows(np.stack([t for t, _, _ in rows]).astype(np.int64),
                                        np.array([m for _, m, _ in rows], dtype=str),
                                        np.array([i for _, _, i in rows], dtype=np.int32))
        else:
            out[split] = ChoraleWindows(np.zeros((0, 4, steps), np.int64), np.zeros(0, dtype=str), np.zeros(0, np.int32))
    return out


def folder_chorale_windows(folder: Path, steps: int = WINDOW_STEPS) -> ChoraleWindows:
    """Windows of every readable four-voice score in ``folder`` (MIDI / MusicXML / ABC), in its own
    metre; other files are skipped."""
    from studio.music.errors import ScoreError
    from studio.music.io import load_score

    rows = []
    for index, path in enumerate(sorted(Path(folder).rglob("*"))):
        if path.suffix.lower() not in {".mid", ".midi", ".xml", ".musicxml", ".mxl", ".abc"}:
            continue
        try:
            score = load_score(path, path.name)
        except ScoreError:
            continue
        if len(score.voices) == 4:
            voices = [score.voice_notes(v) for v in range(4)]
            if all(voices):
                rows += [(t, score.metre, index) for t in metre_windows(voices, score.metre, steps)]
    if not rows:
        return ChoraleWindows(np.zeros((0, 4, steps), np.int64), np.zeros(0, dtype=str), np.zeros(0, np.int32))
    return ChoraleWindows(np.stack([t for t, _, _ in rows]), np.array([m for _, m, _ in rows], dtype=str),
                          np.array([i for _, _, i in rows], dtype=np.int32))


if __name__ == "__main__":
    found, h = load_chorales(workers=int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    sets = chorale_window_sets(found)
    by_metre = {m: sum(c.metre == m for c in found) for m in sorted({c.metre for c in found})}
    print(f"{len(found)} chorales {by_metre}; windows train {len(sets['train'])} valid {len(sets['valid'])}; cache {h}")
