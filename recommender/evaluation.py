"""Offline evaluation of the recommenders (no Django: used by the ``evaluate_recommender`` command and
by ``benchmarks/recommender.py``).

Protocol: the HetRec 2011 Last.fm play counts (weights log(1 + plays)); for each seed a per-user random
80/20 hold-out (users with at least 5 artists); a validation split (20% of each user's training items)
carved from the training part for tuning (the hybrid's blend weights, the ALS baseline's grid). Every
algorithm is fitted on the training part and ranks the items each user has not played; the metrics of
:mod:`recommender.algorithms.metrics` are averaged over users with held-out items.

Leak-free item features: the item-tag matrix is rebuilt for every split from the tag assignments that
are not held-out pairs. A tag that user u put on artist a is dropped while (u, a) is in u's test set,
so a user's own tags never describe the items they are being tested on (with the tags of every row, 22 %
of held-out pairs carried their user's own tags, and a canary that gives every user a private tag on
each artist they played lifted content NDCG@10 2.6x; see ``tests/unit/recommender/test_evaluation.py``).
"""
from __future__ import annotations

import gc
import os
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .algorithms import make
from .algorithms.base import top_n_rows
from .algorithms.metrics import (average_precision_at_k, coverage, hit_rate_at_k, holdout_split, ndcg_at_k,
                                 novelty, recall_at_k)

SEEDS = (0, 1, 2, 3, 4)
OURS = ("popularity", "itemknn", "itemknn_adjusted", "content", "als", "bpr", "ease", "rp3beta", "hybrid")
BASELINES = ("implicit_als", "implicit_bpr", "implicit_cosine", "lightfm_warp")
DEFAULT = "hybrid"
ALS_GRID = [dict(factors=f, regularization=r, alpha=a) for f in (64, 128) for r in (0.01, 0.1) for a in (1.0, 5.0)]


@dataclass
class Dataset:
    user_items: sp.csr_matrix      # users x items, log(1 + plays)
    taggings: np.ndarray           # (n, 3) int: user row (-1: a user without plays), item column, tag column
    item_ids: np.ndarray           # original artist ids
    tag_names: list

    def item_features(self, held_out: sp.csr_matrix | None = None) -> sp.csr_matrix:
        """Items x tags counts from every tag assignment except those of a held-out (user, item) pair."""
        users, items, tags = self.taggings.T
        keep = np.ones(len(items), dtype=bool)
        if held_out is not None and len(items):
            known = users >= 0
            keep[known] = np.asarray(held_out[users[known], items[known]]).ravel() == 0
        f = sp.csr_matrix((np.ones(int(keep.sum()), dtype=np.float32), (items[keep], tags[keep])),
                          shape=(self.user_items.shape[1], len(self.tag_names)))
        f.sum_duplicates()
        return f


def load_hetrec(path: str) -> Dataset:
    """Read HetRec 2011 Last.fm: user_artists.dat (plays) and user_taggedartists.dat + tags.dat (latin-1)."""
    plays = np.loadtxt(os.path.join(path, "user_artists.dat"), skiprows=1, dtype=np.int64, ndmin=2)
    artists = []
    with open(os.path.join(path, "artists.dat"), encoding="utf-8", errors="replace") as fh:
        next(fh)
        for line in fh:
            if line.strip():
                artists.append(int(line.split("\t", 1)[0]))
    item_ids = np.array(sorted(set(artists) | set(plays[:, 1].tolist())), dtype=np.int64)
    item_pos = {a: i for i, a in enumerate(item_ids)}
    users = np.unique(plays[:, 0])
    user_pos = {u: i for i, u in enumerate(users)}
    rows = np.array([user_pos[u] for u in plays[:, 0]])
    cols = np.array([item_pos[a] for a in plays[:, 1]])
    r = sp.csr_matrix((np.log1p(plays[:, 2]).astype(np.float32), (rows, cols)),
                      shape=(len(users), len(item_ids)))
    r.sort_indices()
    tags = {}
    with open(os.path.join(path, "tags.dat"), encoding="latin-1") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) == 2:
                tags[int(parts[0])] = parts[1]
    tag_ids = sorted(tags)
    tag_pos = {t: i for i, t in enumerate(tag_ids)}
    taggings = []
    tagged_path = os.path.join(path, "user_taggedartists.dat")
    if os.path.exists(tagged_path):
        ta = np.loadtxt(tagged_path, skiprows=1, dtype=np.int64, ndmin=2)
        for u, a, t in zip(ta[:, 0], ta[:, 1], ta[:, 2]):
            if a in item_pos and t in tag_pos:
                taggings.append((user_pos.get(u, -1), item_pos[a], tag_pos[t]))
    return Dataset(r, np.array(taggings, dtype=np.int64).reshape(-1, 3), item_ids, [tags[t] for t in tag_ids])


# ---------------------------------------------------------------- runners: fit, then top-N per user
def _topn_from_model(model, train, users, n):
    out = []
    for start in range(0, len(users), 256):
        batch = users[start:start + 256]
        rows = train[batch]
        if hasattr(model, "score_users") and getattr(model, "name", "") == "bpr":
            s = model.score_users(batch)
        else:
            s = model.score(rows)
        s = np.array(s, dtype=np.float32, copy=True)
        for k in range(len(batch)):
            s[k, rows.indices[rows.indptr[k]:rows.indptr[k + 1]]] = -np.inf
        out.append(top_n_rows(s, n))
    return np.vstack(out)


def _implicit_model(name, params, seed):
    from implicit.als import AlternatingLeastSquares
    from implicit.bpr import BayesianPersonalizedRanking
    from implicit.nearest_neighbours import CosineRecommender

    if name == "implicit_als":
        return AlternatingLeastSquares(random_state=seed, num_threads=1, iterations=15, **params)
    if name == "implicit_bpr":
        return BayesianPersonalizedRanking(random_state=seed, num_threads=1, factors=64, iterations=100,
                                           learning_rate=0.05)
    return CosineRecommender(K=100, num_threads=1)


def _topn_implicit(model, train, users, n):
    ids, _ = model.recommend(users, train[users], N=n, filter_already_liked_items=True)
    return np.asarray(ids)


def _val_ndcg_implicit(params, train, seed):
    fit_part, val = holdout_split(train, 0.2, seed=seed + 1000)
    users = np.nonzero(np.diff(val.indptr))[0]
    model = _implicit_model("implicit_als", params, seed)
    model.fit(fit_part, show_progress=False)
    top = _topn_implicit(model, fit_part, users, 10)
    return float(np.mean([ndcg_at_k(top[k], val.indices[val.indptr[u]:val.indptr[u + 1]], 10)
                          for k, u in enumerate(users)]))


def lightfm_available() -> bool:
    try:
        import lightfm  # noqa: F401
        return True
    except Exception:
        return False


def evaluate_one(name, train, test, features, seed, tuned=None):
    """Fit ``name`` on ``train`` and compute the metrics on ``test``. Returns a dict of metrics."""
    users = np.nonzero(np.diff(test.indptr))[0]
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    extra = {}
    if name in OURS:
        model = make(name, seed=seed)
        model.fit(train, features)
        train_s = time.perf_counter() - t0
        top = _topn_from_model(model, train, users, 20)
        if name == "hybrid":
            extra["weights"] = model.weights
            extra["chosen"] = {k: v["params"] for k, v in model.chosen.items()}
    elif name == "lightfm_warp":
        raise RuntimeError("lightfm is not installed")
    else:
        params = tuned or {}
        model = _implicit_model(name, params, seed)
        model.fit(train, show_progress=False)
        train_s = time.perf_counter() - t0
        top = _topn_implicit(model, train, users, 20)
        if params:
            extra["params"] = params
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    item_users = np.asarray((train > 0).sum(axis=0)).ravel()
    rel = [test.indices[test.indptr[u]:test.indptr[u + 1]] for u in users]
    top10 = [t[:10] for t in top]
    result = {
        "ndcg@10": float(np.mean([ndcg_at_k(t, r, 10) for t, r in zip(top, rel)])),
        "recall@20": float(np.mean([recall_at_k(t, r, 20) for t, r in zip(top, rel)])),
        "map@10": float(np.mean([average_precision_at_k(t, r, 10) for t, r in zip(top, rel)])),
        "hr@10": float(np.mean([hit_rate_at_k(t, r, 10) for t, r in zip(top, rel)])),
        "coverage@10": coverage(top10, train.shape[1]),
        "novelty@10": novelty(top10, item_users, train.shape[0]),
        "train_seconds": train_s,
        "peak_memory_mb": peak / 2**20,
    }
    result.update(extra)
    return result


def run(path: str, seeds=SEEDS, algorithms=None, progress=None) -> dict:
    """Run the whole protocol. Returns the JSON-ready report (see ``evaluate_recommender``)."""
    data = load_hetrec(path)
    names = list(algorithms or (OURS + BASELINES))
    if "lightfm_warp" in names and not lightfm_available():
        names.remove("lightfm_warp")
        skipped = {"lightfm_warp": "lightfm is not installed (it does not build on this Python)"}
    else:
        skipped = {}
    per_seed = {n: [] for n in names}
    dataset = {"users": data.user_items.shape[0], "items": data.user_items.shape[1],
               "interactions": int(data.user_items.nnz)}
    for seed in seeds:
        train, test = holdout_split(data.user_items, 0.2, seed=seed)
        features = data.item_features(held_out=test)
        tuned = None
        if "implicit_als" in names:
            grid = [(p, _val_ndcg_implicit(p, train, seed)) for p in ALS_GRID]
            tuned = max(grid, key=lambda g: g[1])[0]
        for n in names:
            if progress:
                progress(f"seed {seed}: {n}")
            per_seed[n].append(evaluate_one(n, train, test, features, seed,
                                            tuned if n == "implicit_als" else None))
    return _report(per_seed, list(seeds), skipped, dataset)


METRICS = ("ndcg@10", "recall@20", "map@10", "hr@10", "coverage@10", "novelty@10", "train_seconds", "peak_memory_mb")


def _report(per_seed: dict, seeds: list, skipped: dict, dataset: dict) -> dict:
    """The JSON-ready report from each algorithm's per-seed results (lists in the order of ``seeds``)."""
    report = {"algorithms": {}, "default": DEFAULT, "seeds": seeds, "skipped": skipped, "dataset": dataset,
              "per_seed": per_seed}
    for n, runs in per_seed.items():
        row = {m: float(np.mean([r[m] for r in runs])) for m in METRICS}
        row["ndcg@10_std"] = float(np.std([r["ndcg@10"] for r in runs]))
        row["per_seed_ndcg@10"] = [r["ndcg@10"] for r in runs]
        for key in ("weights", "chosen", "params"):
            if key in runs[-1]:
                row[key + "_per_seed"] = [r.get(key) for r in runs]
        report["algorithms"][n] = row
    baselines = [b for b in BASELINES if b in report["algorithms"]]
    if DEFAULT in report["algorithms"] and baselines:
        best = max(baselines, key=lambda b: report["algorithms"][b]["ndcg@10"])
        ours = np.array(report["algorithms"][DEFAULT]["per_seed_ndcg@10"])
        theirs = np.array(report["algorithms"][best]["per_seed_ndcg@10"])
        rel = (ours - theirs) / theirs
        report["comparison"] = {
            "best_baseline": best,
            "paired_difference_per_seed": (ours - theirs).tolist(),
            "relative_improvement_per_seed": rel.tolist(),
            "min_relative_improvement": float(rel.min()),
            "goal_5pct_on_every_seed": bool((rel >= 0.05).all()),
        }
    return report


def merge_reports(reports: list[dict]) -> dict:
    """One report from reports of runs on other seeds (each run in its own process), as if run together."""
    names = list(reports[0]["per_seed"])
    if any(list(r["per_seed"]) != names for r in reports):
        raise ValueError("the reports must cover the same algorithms")
    seeds = [s for r in reports for s in r["seeds"]]
    if len(set(seeds)) != len(seeds):
        raise ValueError("the reports must cover different seeds")
    per_seed = {n: [run for r in reports for run in r["per_seed"][n]] for n in names}
    skipped = {k: v for r in reports for k, v in r["skipped"].items()}
    return _report(per_seed, seeds, skipped, reports[0]["dataset"])
