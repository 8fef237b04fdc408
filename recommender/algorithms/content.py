"""Content filtering on item features (tags, words), for cold start and for new sketches.

Item features ``F`` (items x terms, counts) are weighted by TF-IDF and L2-normalised:

    f_it = tf_it * log((1 + N) / (1 + df_t)) + 1 for tf_it > 0,    f_i <- f_i / ||f_i||

with ``N`` items and ``df_t`` the number of items that have term ``t`` (scikit-learn's smoothed idf).

A user's profile is the weighted mean of the features of the items they played,

    p_u = sum_j r_uj f_j / sum_j r_uj,

and the score is the cosine between profile and item, score(u, i) = f_i . p_u / ||p_u||
(``f_i`` already has unit norm). A new item is scored as soon as it has features, before anyone
has played it. ``score_terms`` scores a bag of terms (a new user's instruments and genres) the same
way, and ``similar_items`` is the cosine f_i . f_j.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .base import Recommender, as_csr


def tfidf(counts) -> tuple[sp.csr_matrix, np.ndarray]:
    """Row-normalised TF-IDF of a (items x terms) count matrix, and the idf vector."""
    c = as_csr(counts)
    n = c.shape[0]
    df = np.bincount(c.indices, minlength=c.shape[1]).astype(np.float64)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    w = c @ sp.diags(idf.astype(np.float32))
    w = w.tocsr()
    norms = np.sqrt(np.asarray(w.multiply(w).sum(axis=1)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return (sp.diags(inv.astype(np.float32)) @ w).tocsr(), idf


class ContentBased(Recommender):
    name = "content"
    fitted_arrays = ("features", "idf")

    def fit(self, user_items, item_features=None):
        r = as_csr(user_items)
        self.n_items = r.shape[1]
        if item_features is None:
            item_features = sp.csr_matrix((self.n_items, 1), dtype=np.float32)
        if item_features.shape[0] != self.n_items:
            raise ValueError("item_features must have one row per item")
        self.features, self.idf = tfidf(item_features)
        return self

    def profiles(self, user_items_rows) -> np.ndarray:
        """Unit-norm user profiles p_u / ||p_u|| (dense, rows x terms)."""
        rows = as_csr(user_items_rows)
        p = np.asarray((rows @ self.features).todense())
        norms = np.linalg.norm(p, axis=1, keepdims=True)
        return np.divide(p, norms, out=np.zeros_like(p), where=norms > 0)

    def score(self, user_items_rows):
        p = self.profiles(user_items_rows)
        return np.asarray(self.features @ p.T).T

    def score_terms(self, term_counts) -> np.ndarray:
        """Scores of every item for a bag of terms (1 x terms counts), e.g. a new user's picks."""
        q = as_csr(term_counts) @ sp.diags(self.idf.astype(np.float32))
        q = np.asarray(q.todense()).ravel()
        norm = np.linalg.norm(q)
        if norm == 0:
            return np.zeros(self.n_items)
        return np.asarray(self.features @ (q / norm)).ravel()

    def contributions(self, user_row, items):
        """r_uj (f_i . f_j) / ||p_u|| for each history item j and each of ``items`` i."""
        row = as_csr(user_row)
        norm = np.linalg.norm(np.asarray((row @ self.features).todense()))
        if norm == 0:
            return np.zeros((len(items), row.nnz), dtype=np.float32)
        dots = np.asarray((self.features[np.asarray(items)] @ self.features[row.indices].T).todense())
        return (dots * row.data[None, :] / norm).astype(np.float32)

    def item_similarity_row(self, itemid):
        return np.asarray((self.features @ self.features[itemid].T).todense()).ravel()
