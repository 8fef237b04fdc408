"""Popularity: recommend what most listeners played.

    score(u, i) = log(1 + n_i),  n_i = |{v : r_vi > 0}|

the number of distinct users who interacted with item ``i``; the same for every user. The log only
compresses the scale (the ranking is that of ``n_i``), which keeps it comparable in a blend.
"""
from __future__ import annotations

import numpy as np

from .base import Recommender, as_csr


class Popularity(Recommender):
    name = "popularity"
    fitted_arrays = ("counts", "item_scores")

    def fit(self, user_items, item_features=None):
        r = as_csr(user_items)
        self.n_items = r.shape[1]
        self.counts = np.asarray((r > 0).sum(axis=0)).ravel().astype(np.float64)
        self.item_scores = np.log1p(self.counts)
        return self

    def score(self, user_items_rows):
        rows = as_csr(user_items_rows)
        return np.tile(self.item_scores, (rows.shape[0], 1))

    def item_similarity_row(self, itemid):
        return self.item_scores.copy()
