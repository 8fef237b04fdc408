"""Ranking metrics and the per-user hold-out split (plain numpy).

For one user with ranked list ``rec`` (best first) and relevant set ``T`` (their held-out items),
rel_k = 1 if rec[k] in T else 0 (k from 1):

- NDCG@K   = DCG@K / IDCG@K,  DCG@K = sum_{k<=K} rel_k / log2(k + 1),  IDCG@K = sum_{k<=min(K,|T|)} 1 / log2(k + 1)
- Recall@K = |rec[:K] & T| / |T|
- AP@K     = (1 / min(K, |T|)) sum_{k<=K} rel_k * Precision@k ;  MAP@K is its mean over users
- HR@K     = 1 if rec[:K] & T else 0
- coverage = |union of all users' top-K lists| / n_items
- novelty  = mean over recommended items of -log2(pop_i / n_users), pop_i = training users of item i
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def ndcg_at_k(rec, relevant, k: int) -> float:
    rel = set(relevant)
    if not rel:
        return 0.0
    dcg = sum(1.0 / np.log2(pos + 2) for pos, item in enumerate(list(rec)[:k]) if item in rel)
    idcg = sum(1.0 / np.log2(pos + 2) for pos in range(min(k, len(rel))))
    return dcg / idcg


def recall_at_k(rec, relevant, k: int) -> float:
    rel = set(relevant)
    if not rel:
        return 0.0
    return len(rel.intersection(list(rec)[:k])) / len(rel)


def average_precision_at_k(rec, relevant, k: int) -> float:
    rel = set(relevant)
    if not rel:
        return 0.0
    hits, total = 0, 0.0
    for pos, item in enumerate(list(rec)[:k]):
        if item in rel:
            hits += 1
            total += hits / (pos + 1)
    return total / min(k, len(rel))


def hit_rate_at_k(rec, relevant, k: int) -> float:
    return 1.0 if set(relevant).intersection(list(rec)[:k]) else 0.0


def coverage(rec_lists, n_items: int) -> float:
    seen = set()
    for rec in rec_lists:
        seen.update(int(i) for i in rec)
    return len(seen) / n_items if n_items else 0.0


def novelty(rec_lists, item_user_counts, n_users: int) -> float:
    counts = np.asarray(item_user_counts, dtype=np.float64)
    values = []
    for rec in rec_lists:
        for i in rec:
            p = max(counts[int(i)], 1.0) / n_users
            values.append(-np.log2(p))
    return float(np.mean(values)) if values else 0.0


def holdout_split(user_items, fraction: float = 0.2, seed: int = 0, min_items: int = 5):
    """Per-user random hold-out: for each user with at least ``min_items`` items, ``round(fraction * n)``
    (at least one) of their items move to the test matrix. Returns (train, test), both CSR, same shape.
    """
    r = sp.csr_matrix(user_items)
    r.sort_indices()
    rng = np.random.default_rng(seed)
    train_rows, train_cols, train_vals = [], [], []
    test_rows, test_cols, test_vals = [], [], []
    for u in range(r.shape[0]):
        lo, hi = r.indptr[u], r.indptr[u + 1]
        idx, vals = r.indices[lo:hi], r.data[lo:hi]
        n = hi - lo
        mask = np.zeros(n, dtype=bool)
        if n >= min_items:
            n_test = max(1, int(round(fraction * n)))
            mask[rng.choice(n, size=n_test, replace=False)] = True
        train_rows.append(np.full((~mask).sum(), u)); train_cols.append(idx[~mask]); train_vals.append(vals[~mask])
        test_rows.append(np.full(mask.sum(), u)); test_cols.append(idx[mask]); test_vals.append(vals[mask])

    def build(rows, cols, vals):
        m = sp.csr_matrix((np.concatenate(vals) if vals else [], (np.concatenate(rows) if rows else [],
                           np.concatenate(cols) if cols else [])), shape=r.shape, dtype=np.float32)
        m.sort_indices()
        return m

    return build(train_rows, train_cols, train_vals), build(test_rows, test_cols, test_vals)


def mean_ndcg(scores: np.ndarray, train_rows: sp.csr_matrix, test_rows: sp.csr_matrix, k: int = 10) -> float:
    """Mean NDCG@k of dense score rows, excluding each user's training items."""
    s = np.array(scores, dtype=np.float32, copy=True)
    for u in range(s.shape[0]):
        s[u, train_rows.indices[train_rows.indptr[u]:train_rows.indptr[u + 1]]] = -np.inf
    from .base import top_n_rows

    top = top_n_rows(s, k)
    values = [ndcg_at_k(top[u], test_rows.indices[test_rows.indptr[u]:test_rows.indptr[u + 1]], k)
              for u in range(s.shape[0])]
    return float(np.mean(values)) if values else 0.0
