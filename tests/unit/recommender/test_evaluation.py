"""The offline protocol end to end on a tiny HetRec-shaped folder."""
import json

import numpy as np
import pytest

from recommender.algorithms.metrics import holdout_split
from recommender.evaluation import METRICS, evaluate_one, load_hetrec, run


@pytest.fixture
def tiny_hetrec(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "artists.dat").write_text("id\tname\turl\tpictureURL\n" + "".join(
        f"{a}\tArtist {a}\thttp://x/{a}\t\n" for a in range(1, 41)))
    rows = ["userID\tartistID\tweight"]
    for u in range(1, 31):
        cluster = range(1, 21) if u % 2 else range(21, 41)
        for a in rng.choice(list(cluster), 10, replace=False):
            rows.append(f"{u}\t{a}\t{int(rng.integers(1, 500))}")
    (tmp_path / "user_artists.dat").write_text("\r\n".join(rows) + "\r\n")
    (tmp_path / "tags.dat").write_bytes("tagID\ttagValue\r\n1\tcafé\r\n2\trock\r\n".encode("latin-1"))
    (tmp_path / "user_taggedartists.dat").write_text("userID\tartistID\ttagID\tday\tmonth\tyear\n" + "".join(
        f"1\t{a}\t{1 if a <= 20 else 2}\t1\t1\t2009\n" for a in range(1, 41)))
    return tmp_path


def test_load_hetrec_reads_latin1_tags_and_log_counts(tiny_hetrec):
    data = load_hetrec(str(tiny_hetrec))
    assert data.user_items.shape == (30, 40) and data.user_items.nnz == 300
    assert data.tag_names == ["café", "rock"] and data.item_features().nnz == 40
    assert data.user_items.data.max() <= np.log1p(500)


def test_run_reports_every_algorithm_and_the_paired_comparison(tiny_hetrec):
    report = run(str(tiny_hetrec), seeds=(0, 1), algorithms=["popularity", "itemknn", "hybrid", "implicit_cosine"])
    json.dumps(report)
    assert report["default"] == "hybrid"
    assert set(report["algorithms"]) == {"popularity", "itemknn", "hybrid", "implicit_cosine"}
    for row in report["algorithms"].values():
        for metric in ("ndcg@10", "recall@20", "map@10", "hr@10", "coverage@10", "novelty@10", "train_seconds",
                       "peak_memory_mb"):
            assert metric in row
        assert 0 <= row["ndcg@10"] <= 1 and len(row["per_seed_ndcg@10"]) == 2
    # two clean clusters: collaborative filtering beats popularity by far
    assert report["algorithms"]["itemknn"]["ndcg@10"] > report["algorithms"]["popularity"]["ndcg@10"]
    assert report["comparison"]["best_baseline"] == "implicit_cosine"
    assert len(report["comparison"]["paired_difference_per_seed"]) == 2


def _write_hetrec(folder, plays, taggings, n_tags):
    """A HetRec-shaped folder from (user, artist, plays) and (user, artist, tag) rows."""
    folder.mkdir()
    artists = sorted({a for _u, a, _p in plays})
    (folder / "artists.dat").write_text("id\tname\turl\tpictureURL\n" + "".join(f"{a}\tA{a}\t\t\n" for a in artists))
    (folder / "user_artists.dat").write_text("userID\tartistID\tweight\n" + "".join(
        f"{u}\t{a}\t{p}\n" for u, a, p in plays))
    (folder / "tags.dat").write_bytes(("tagID\ttagValue\n" + "".join(
        f"{t}\ttag{t}\n" for t in range(1, n_tags + 1))).encode("latin-1"))
    (folder / "user_taggedartists.dat").write_text("userID\tartistID\ttagID\tday\tmonth\tyear\n" + "".join(
        f"{u}\t{a}\t{t}\t1\t1\t2009\n" for u, a, t in taggings))
    return str(folder)


@pytest.fixture
def hetrec_and_canary(tmp_path):
    """Four genres of 30 artists, 80 users who each play 15 artists mostly of one genre, a few genre tags
    per artist from the first 10 users; the canary copy adds a private tag from every user on each
    artist they played (tag ids above the genre tags)."""
    rng = np.random.default_rng(7)
    plays, taggings = [], []
    for u in range(1, 81):
        genre = u % 4
        own = rng.choice(np.arange(genre * 30 + 1, genre * 30 + 31), 12, replace=False)
        other = rng.choice(np.arange(1, 121), 3, replace=False)
        for a in dict.fromkeys([*own.tolist(), *other.tolist()]):
            plays.append((u, a, int(rng.integers(1, 300))))
    for a in range(1, 121):
        for u in rng.choice(np.arange(1, 11), 2, replace=False):
            taggings.append((int(u), a, (a - 1) // 30 + 1))
    plain = _write_hetrec(tmp_path / "plain", plays, taggings, 4)
    canary = _write_hetrec(tmp_path / "canary", plays, taggings + [(u, a, 4 + u) for u, a, _p in plays], 84)
    return plain, canary


def _content_ndcg(path, leak_free: bool, name: str = "content") -> float:
    data = load_hetrec(path)
    train, test = holdout_split(data.user_items, 0.2, seed=0)
    features = data.item_features(held_out=test) if leak_free else data.item_features()
    return evaluate_one(name, train, test, features, seed=0)["ndcg@10"]


def test_canary_tags_on_played_artists_do_not_move_the_leak_free_evaluation(hetrec_and_canary):
    plain, canary = hetrec_and_canary
    clean = _content_ndcg(plain, leak_free=True)
    assert abs(_content_ndcg(canary, leak_free=True) - clean) < 0.15 * clean
    # the same canary through features built from every tag row (the old protocol) is caught
    assert _content_ndcg(canary, leak_free=False) > 1.5 * clean


def test_canary_tags_do_not_move_the_hybrid_whose_collaborative_models_read_tags(hetrec_and_canary):
    plain, canary = hetrec_and_canary  # EASE, RP3beta and ALS candidates take the tags as pseudo-users
    clean = _content_ndcg(plain, leak_free=True, name="hybrid")
    assert abs(_content_ndcg(canary, leak_free=True, name="hybrid") - clean) < 0.15 * clean


def test_features_drop_exactly_the_tags_of_held_out_pairs(hetrec_and_canary):
    data = load_hetrec(hetrec_and_canary[1])
    _train, test = holdout_split(data.user_items, 0.2, seed=0)
    features = data.item_features(held_out=test)
    users, items, tags = data.taggings.T
    private = tags >= 4  # tag columns 0-3 are the genre tags
    held = np.asarray(test[users[private], items[private]]).ravel() > 0
    assert held.any()
    for item, tag in zip(items[private][held][:50], tags[private][held][:50]):
        assert features[item, tag] == 0
    assert features.sum() == len(tags) - (np.asarray(test[users, items]).ravel() > 0).sum()


def test_single_seed_reports_merge_as_if_run_together():
    from recommender.evaluation import merge_reports

    def report(seed, ours, theirs):
        runs = {name: [{**{m: value for m in METRICS}, "weights": {"a": 1.0}} if name == "hybrid" else
                       {m: value for m in METRICS}] for name, value in (("hybrid", ours), ("implicit_als", theirs))}
        return {"per_seed": runs, "seeds": [seed], "skipped": {}, "dataset": {"users": 3}}

    merged = merge_reports([report(0, 0.26, 0.2), report(1, 0.22, 0.2)])
    assert merged["seeds"] == [0, 1] and merged["dataset"] == {"users": 3}
    assert merged["algorithms"]["hybrid"]["ndcg@10"] == pytest.approx(0.24)
    assert merged["algorithms"]["hybrid"]["per_seed_ndcg@10"] == [0.26, 0.22]
    assert merged["comparison"]["relative_improvement_per_seed"] == pytest.approx([0.3, 0.1])
    with pytest.raises(ValueError, match="different seeds"):
        merge_reports([report(0, 0.2, 0.2), report(0, 0.2, 0.2)])
