"""EASE, the embarrassingly shallow autoencoder (Steck, WWW 2019).

With the Gram matrix G = X^T X + lambda I of the (users x items) matrix ``X``, and P = G^{-1}:

    B_ij = -P_ij / P_jj  for i != j,    B_jj = 0,        score(u, .) = x_u B

(the closed-form solution of min_B ||X - XB||^2 + lambda ||B||^2 subject to diag(B) = 0).

Cost: one dense items x items inverse, O(n^3) time and O(n^2) memory. This module therefore keeps only
the ``max_items`` most popular items (default 8,000: about 0.25 GB in float32 and a few tens of seconds
single-threaded); the others get no EASE score (0). HetRec Last.fm has 6,953 artists with two or more
listeners, so the cap keeps every artist that collaborative filtering can say anything about.

With ``tag_weight`` > 0 the item tags join ``X`` as pseudo-users (:mod:`.tag_rows`), so items that share
tags are related even where few listeners have both (a tag row counts towards ``min_users``).
"""
from __future__ import annotations

import numpy as np
import scipy.linalg

from .base import Recommender, as_csr
from .tag_rows import with_tag_rows


class EASE(Recommender):
    name = "ease"
    hyperparameters = ("l2", "max_items", "min_users", "tag_weight")
    fitted_arrays = ("items", "B")

    def __init__(self, l2: float = 500.0, max_items: int = 8000, min_users: int = 2, tag_weight: float = 0.0):
        self.l2 = l2
        self.max_items = max_items
        self.min_users = min_users
        self.tag_weight = tag_weight

    def fit(self, user_items, item_features=None):
        r = with_tag_rows(user_items, item_features, self.tag_weight)
        self.n_items = r.shape[1]
        counts = np.asarray((r > 0).sum(axis=0)).ravel()
        eligible = np.nonzero(counts >= self.min_users)[0]
        if len(eligible) > self.max_items:
            eligible = eligible[np.argsort(-counts[eligible], kind="stable")[: self.max_items]]
        self.items = np.sort(eligible)
        x = r[:, self.items]
        gram = np.asarray((x.T @ x).todense(), dtype=np.float64)
        gram[np.diag_indices_from(gram)] += self.l2
        # In place where possible: peak memory is about 12 bytes per cell (the float64 inverse + B in float32).
        p = scipy.linalg.inv(gram, overwrite_a=True, check_finite=False)
        del gram
        p /= -np.diag(p)
        p[np.diag_indices_from(p)] = 0.0
        # C order: LAPACK returns Fortran order, and sparse @ dense would copy all of B per call.
        self.B = np.ascontiguousarray(p, dtype=np.float32)
        del p
        return self

    def score(self, user_items_rows):
        rows = as_csr(user_items_rows)
        out = np.zeros((rows.shape[0], self.n_items), dtype=np.float32)
        if len(self.items):
            out[:, self.items] = np.asarray(rows[:, self.items] @ self.B)
        return out

    def contributions(self, user_row, items):
        """r_uj B_ji for each history item j and each of ``items`` i (0 outside the kept items)."""
        row = as_csr(user_row)
        out = np.zeros((len(items), row.nnz), dtype=np.float32)
        src = np.searchsorted(self.items, row.indices)
        dst = np.searchsorted(self.items, np.asarray(items))
        src_ok = (src < len(self.items)) & (self.items[np.minimum(src, len(self.items) - 1)] == row.indices)
        dst_ok = (dst < len(self.items)) & (self.items[np.minimum(dst, len(self.items) - 1)] == np.asarray(items))
        if len(self.items) and src_ok.any() and dst_ok.any():
            block = self.B[np.ix_(src[src_ok], dst[dst_ok])] * row.data[src_ok][:, None]
            out[np.ix_(np.nonzero(dst_ok)[0], np.nonzero(src_ok)[0])] = block.T
        return out

    def item_similarity_row(self, itemid):
        out = np.zeros(self.n_items, dtype=np.float32)
        pos = np.searchsorted(self.items, itemid)
        if pos < len(self.items) and self.items[pos] == itemid:
            out[self.items] = self.B[pos]
        return out
