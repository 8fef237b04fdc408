"""Parsing music21's bundled corpus into grid-quantised voices, in parallel, with an on-disk cache.

Two kinds of works come out:

* ``melody``: one voice (single-line tunes from the ABC collections: Essen, O'Neill's 1850, Aird's
  Airs, Ryan's Mammoth, the Nottingham reels and the fife/minstrelsy books), and
* ``chorale``: a Bach chorale as four voices (soprano, alto, tenor, bass); its soprano is also a melody.

Metres: every tune in one metre of :data:`~studio.music.score.SUPPORTED_METRES` is kept on its own
bar grid (a 6/8 bar is 12 steps), its metre recorded on the :class:`Work`. Two corpus metres map onto
a supported one exactly (:data:`~studio.music.grid.EXACT_METRE_MAP`: 3/8 bars are paired into 6/8,
4/2 bars split into 2/2); any other metre (6/4, 5/4, free, ...), or a tune that changes metre, is
skipped whole. Anacruses are shifted so that the first full bar starts on a bar line of the grid.

The parse result is cached in ``~/.cache/motif/studio/<hash>/parsed.npz`` (plain arrays, read with
``allow_pickle=False``) where the hash covers the music21 version, :data:`PARSE_VERSION` and the settings.
While parsing, every shard of :data:`SHARD_SIZE` tunes is written to ``<hash>/shards/`` as it finishes,
so an interrupted parse resumes where it stopped and training can start on the shards done so far
(``parse_corpus(partial=True)``). A ``parsed.pkl`` left there by older code is never read.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing as mp
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import music21
import numpy as np
from music21 import converter, corpus

from studio.music.grid import EXACT_METRE_MAP, bar_quarters, metres_of, monophonic_voice, pickup_shift, single_metre
from studio.music.score import SUPPORTED_METRES, Note

PARSE_VERSION = 2
SHARD_SIZE = 40
MELODY_SOURCES = ("essenFolksong", "oneills1850", "airdsAirs", "ryansMammoth", "nottingham-dataset", "miscFolk")
HEADER_METRES = {"C": "4/4", "C|": "2/2"}
SATB = ("soprano", "alto", "tenor", "bass")
CACHE_FILE = "parsed.npz"
log = logging.getLogger(__name__)


@dataclass
class Work:
    """One parsed work: its id (corpus path, plus ``#X`` for a tune inside an ABC collection), its
    collection, its kind, its voices on the 16th grid and its metre."""

    work_id: str
    source: str
    kind: str
    voices: list[list[Note]] = field(default_factory=list)
    metre: str = "4/4"


def cache_root() -> Path:
    """Where processed studio data lives (``MOTIF_CACHE_DIR`` or ``~/.cache/motif``)."""
    base = os.environ.get("MOTIF_CACHE_DIR") or Path.home() / ".cache" / "motif"
    return Path(base) / "studio"


def settings_hash(settings: dict) -> str:
    """A short hash of the music21 version, the parse code version and ``settings``."""
    payload = json.dumps({"music21": music21.__version__, "parse": PARSE_VERSION, **settings}, sort_keys=True)
    return hashlib.sha1(payload.encode()).hexdigest()[:12]


def corpus_dir() -> Path:
    """The folder of music21's bundled corpus."""
    return Path(music21.__file__).parent / "corpus"


def split_abc(text: str) -> list[tuple[str, str]]:
    """Split an ABC collection into ``(X number, tune text)`` pairs."""
    parts = re.split(r"(?m)^(?=X:)", text)
    return [(p.split("\n", 1)[0][2:].strip(), p) for p in parts if p.startswith("X:")]


def abc_metres(tune: str) -> set[str]:
    """The metres named in a tune's ``M:`` fields (header and inline), normalised to ratios."""
    found = re.findall(r"(?:^|\[)M:\s*([^\]\n%]+)", tune, flags=re.M)
    return {HEADER_METRES.get(m.strip(), m.strip()) for m in found}


def melody_tasks(sources=MELODY_SOURCES, limit_per_source: int | None = None) -> list[tuple]:
    """``("abc", work_id, source, text)`` for every tune in one supported metre, read cheaply from
    the ABC headers so that other metres are never parsed."""
    tasks = []
    root = corpus_dir()
    for source in sources:
        count = 0
        for path in sorted((root / source).glob("*.abc")):
            text = path.read_text(encoding="latin-1")
            for number, tune in split_abc(text):
                if single_metre(abc_metres(tune), EXACT_METRE_MAP) is None:
                    continue
                if limit_per_source is not None and count >= limit_per_source:
                    break
                tasks.append(("abc", f"{source}/{path.name}#{number}", source, tune))
                count += 1
    return tasks


def chorale_tasks(limit: int | None = None) -> list[tuple]:
    """``("chorale", work_id, "bach", path)`` for each Bach work of the corpus."""
    paths = sorted(str(p) for p in corpus.getComposer("bach") if str(p).endswith((".mxl", ".xml", ".krn")))
    paths = paths[:limit] if limit is not None else paths
    return [("chorale", "bach/" + Path(p).name, "bach", p) for p in paths]


def parse_task(task: tuple) -> Work | None:
    """Parse one task in a worker; ``None`` when the work does not fit (wrong metre, wrong voices)."""
    kind, work_id, source, payload = task
    try:
        if kind == "abc":
            score = converter.parseData(payload, format="abc")
            parts = list(getattr(score, "parts", [])) or [score]
            metre = single_metre(metres_of(score), EXACT_METRE_MAP)
            if metre is None:
                return None
            part = parts[0]
            line = monophonic_voice(part, 0, pickup_shift(part, bar_quarters(metre)))
            return Work(work_id, source, "melody", [line], metre) if len(line) >= 8 else None
        score = converter.parse(payload)
        metre = single_metre(metres_of(score))
        if metre is None:
            return None
        parts = list(score.parts)
        by_name = {}
        for p in parts:
            name = (p.partName or "").lower()
            for v in SATB:
                if v in name and v not in by_name:
                    by_name[v] = p
        chosen = [by_name[v] for v in SATB] if len(by_name) == 4 else (parts if len(parts) == 4 else None)
        if chosen is None:
            return None
        shift = pickup_shift(chosen[0], bar_quarters(metre))
        voices = [monophonic_voice(p, i, shift) for i, p in enumerate(chosen)]
        if any(len(v) < 4 for v in voices):
            return None
        return Work(work_id, source, "chorale", voices, metre)
    except Exception:  # noqa: BLE001 - a malformed corpus entry is skipped, not fatal
        return None


def save_works(path: Path, works: list[Work]) -> None:
    """Write works as plain arrays (ids, sources and kinds as strings; voices per work, notes per voice,
    and every note's pitch/start/duration), atomically."""
    voices = [v for w in works for v in w.voices]
    notes = np.array([(n.pitch, n.start, n.duration) for v in voices for n in v], dtype=np.int32).reshape(-1, 3)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez(fh, work_id=np.array([w.work_id for w in works], dtype=str),
                 source=np.array([w.source for w in works], dtype=str),
                 kind=np.array([w.kind for w in works], dtype=str),
                 metre=np.array([w.metre for w in works], dtype=str),
                 voices_per_work=np.array([len(w.voices) for w in works], dtype=np.int32),
                 notes_per_voice=np.array([len(v) for v in voices], dtype=np.int32), notes=notes)
    tmp.replace(path)


def load_works(path: Path) -> list[Work]:
    """The works written by :func:`save_works`."""
    with np.load(path, allow_pickle=False) as z:
        ids, sources, kinds = z["work_id"].tolist(), z["source"].tolist(), z["kind"].tolist()
        voices_per_work, notes_per_voice = z["voices_per_work"].tolist(), z["notes_per_voice"].tolist()
        notes = z["notes"].tolist()
        metres = z["metre"].tolist() if "metre" in z.files else ["4/4"] * len(ids)
    works, voice, first = [], 0, 0
    for work_id, source, kind, count, metre in zip(ids, sources, kinds, voices_per_work, metres):
        voices = []
        for i in range(count):
            end = first + notes_per_voice[voice]
            voices.append([Note(p, s, d, voice=i) for p, s, d in notes[first:end]])
            voice, first = voice + 1, end
        works.append(Work(work_id, source, kind, voices, metre))
    return works


def _init_worker() -> None:
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def parse_units(tasks: list[tuple]) -> list[tuple[str, list[tuple]]]:
    """``(shard name, tasks)`` units of at most :data:`SHARD_SIZE` tasks per source, interleaved across
    sources (chorales last) so that the shards done first already hold every collection and metre."""
    by_source: dict[str, list[tuple]] = {}
    for task in tasks:
        by_source.setdefault(task[2], []).append(task)
    queues = []
    for source, items in by_source.items():
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", source)
        queues.append([(f"{safe}-{i // SHARD_SIZE:04d}", items[i:i + SHARD_SIZE])
                       for i in range(0, len(items), SHARD_SIZE)])
    melodies = [q for q in queues if q[0][1][0][0] != "chorale"]
    units = []
    for round_ in range(max((len(q) for q in melodies), default=0)):
        units += [q[round_] for q in melodies if round_ < len(q)]
    return units + [u for q in queues if q not in melodies for u in q]


def parse_unit(unit: tuple[str, list[tuple]]) -> tuple[str, list[Work]]:
    """Parse one shard's tasks (in a worker)."""
    name, tasks = unit
    return name, [w for w in map(parse_task, tasks) if w is not None]


def parse_corpus(workers: int = 2, limit_per_source: int | None = None, chorale_limit: int | None = None,
                 progress: bool = True, cache: bool = True, partial: bool = False) -> tuple[list[Work], str]:
    """Parse (or load from cache) the melody and chorale works. Returns ``(works, hash)``. With
    ``partial`` nothing is parsed: the works of the shards finished so far are returned."""
    settings = {"sources": list(MELODY_SOURCES), "metres": sorted(SUPPORTED_METRES),
                "metre_map": EXACT_METRE_MAP, "limit_per_source": limit_per_source, "chorale_limit": chorale_limit}
    digest = settings_hash(settings)
    path = cache_root() / digest / CACHE_FILE
    shards = path.parent / "shards"
    if cache and path.exists():
        return load_works(path), digest
    if cache and path.with_suffix(".pkl").exists():
        log.warning("%s (a pickle from older code) is ignored; the corpus is parsed again", path.with_suffix(".pkl"))
    if partial:
        done = sorted(shards.glob("*.npz")) if shards.exists() else []
        return sorted((w for p in done for w in load_works(p)), key=lambda w: w.work_id), digest
    units = parse_units(chorale_tasks(chorale_limit) + melody_tasks(limit_per_source=limit_per_source))
    works: list[Work] = []
    todo = []
    for unit in units:
        shard = shards / f"{unit[0]}.npz"
        if cache and shard.exists():
            works += load_works(shard)
        else:
            todo.append(unit)
    if cache:
        shards.mkdir(parents=True, exist_ok=True)
    from tqdm import tqdm

    bar = tqdm(total=sum(len(t) for _n, t in todo), desc="parsing corpus", unit="work", disable=not progress,
               file=sys.stderr, mininterval=5)

    def keep(name: str, found: list[Work]) -> None:
        works.extend(found)
        bar.update(len(dict(todo)[name]))
        if cache:
            save_works(shards / f"{name}.npz", found)

    if workers > 1:
        with mp.get_context("spawn").Pool(workers, initializer=_init_worker) as pool:
            for name, found in pool.imap_unordered(parse_unit, todo, chunksize=1):
                keep(name, found)
    else:
        for unit in todo:
            keep(*parse_unit(unit))
    bar.close()
    works.sort(key=lambda w: w.work_id)
    if cache:
        save_works(path, works)
        (path.parent / "settings.json").write_text(json.dumps(
            {"music21": music21.__version__, "parse": PARSE_VERSION, **settings}, indent=1))
    return works, digest


if __name__ == "__main__":
    found, h = parse_corpus()
    kinds = {k: sum(w.kind == k for w in found) for k in ("melody", "chorale")}
    metres = {m: sum(w.metre == m for w in found) for m in SUPPORTED_METRES}
    print(f"{len(found)} works {kinds} {metres} cache {h}")
