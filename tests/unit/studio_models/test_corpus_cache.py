"""The parsed-corpus cache is plain arrays: works round-trip exactly, and a pickle left by older code is
never read."""
import logging
import pickle

import numpy as np
import pytest

from studio.music import corpus
from studio.music.corpus import CACHE_FILE, Work, load_works, parse_corpus, save_works
from studio.music.score import Note

WORKS = [
    Work("bach/bwv1.mxl", "bach", "chorale",
         [[Note(72 - v, 4 * k, 4, voice=v) for k in range(5)] for v in range(4)]),
    Work("essenFolksong/a.abc#1", "essenFolksong", "melody", [[Note(60 + k, 2 * k, 2) for k in range(9)]]),
    Work("oneills1850/b.abc#12", "oneills1850", "melody", [[]]),
    Work("miscFolk/c.abc#3", "miscFolk", "melody", [[Note(67, 0, 16)]]),
]


def test_works_round_trip_through_plain_arrays(tmp_path):
    path = tmp_path / CACHE_FILE
    save_works(path, WORKS)
    assert load_works(path) == WORKS
    with np.load(path, allow_pickle=False) as stored:
        assert all(stored[key].dtype != object for key in stored.files)
    save_works(path, [])
    assert load_works(path) == []


@pytest.fixture
def fake_corpus(tmp_path, monkeypatch):
    """parse_corpus over WORKS instead of music21's corpus, caching under ``tmp_path``."""
    monkeypatch.setenv("MOTIF_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(corpus, "chorale_tasks", lambda limit: [("fake", w.work_id, w.source, w) for w in WORKS[:1]])
    monkeypatch.setattr(corpus, "melody_tasks", lambda limit_per_source: [("fake", w.work_id, w.source, w)
                                                                          for w in WORKS[1:]])
    monkeypatch.setattr(corpus, "parse_task", lambda task: task[3])
    return tmp_path


def test_parse_corpus_writes_the_cache_once_and_reads_it_back(fake_corpus, monkeypatch):
    works, digest = parse_corpus(workers=1, progress=False)
    assert (fake_corpus / "studio" / digest / CACHE_FILE).exists()
    monkeypatch.setattr(corpus, "parse_task", lambda task: pytest.fail("parsed again instead of read from the cache"))
    again, same_digest = parse_corpus(workers=1, progress=False)
    assert same_digest == digest and again == works == sorted(WORKS, key=lambda w: w.work_id)


def test_an_old_pickle_cache_is_ignored_with_a_log_line(fake_corpus, monkeypatch, caplog):
    _works, digest = parse_corpus(workers=1, progress=False, cache=False)
    folder = fake_corpus / "studio" / digest
    folder.mkdir(parents=True)
    (folder / "parsed.pkl").write_bytes(pickle.dumps(["old"]))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("unpickled"))
    with caplog.at_level(logging.WARNING, logger="studio.music.corpus"):
        works, _ = parse_corpus(workers=1, progress=False)
    assert works == sorted(WORKS, key=lambda w: w.work_id) and (folder / CACHE_FILE).exists()
    assert any("parsed.pkl" in r.getMessage() and "ignored" in r.getMessage() for r in caplog.records)
