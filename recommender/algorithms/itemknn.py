"""Item-item collaborative filtering after Sarwar, Karypis, Konstan and Riedl (WWW 2001).

Similarity between items ``i`` and ``j`` from their columns of the user-item matrix ``R``:

- cosine:           s_ij = sum_u r_ui r_uj / (||r_i|| ||r_j||)
- adjusted cosine:  the same on centred values, r'_ui = r_ui - mean_u, where ``mean_u`` is the mean of
                    user u's non-zero values, and only over the cells the user has (zeros stay zero).

Shrinkage (Koren 2008, applied to either): s_ij <- s_ij * n_ij / (n_ij + lambda), where ``n_ij`` is the
number of users who have both items; it damps similarities supported by few co-raters.

Only the ``k`` largest similarities of each item are kept (top-k neighbours, Sarwar's "model size").

Prediction for implicit feedback (top-N ranking) is the neighbourhood sum

    score(u, i) = sum_{j in N_k(i)} s_ji r_uj

(Sarwar's weighted sum divides by sum_j |s_ij|; for ranking unrated items from implicit data the
un-normalised sum is used, as in Deshpande and Karypis 2004, because normalising favours items
with a single, weak neighbour).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .base import Recommender, as_csr


def _top_k_columns(sim: sp.csc_matrix, k: int) -> sp.csc_matrix:
    """Keep the ``k`` largest entries of each column of a CSC matrix."""
    sim = sim.tocsc()
    indptr, indices, data = sim.indptr, sim.indices, sim.data
    keep_rows, keep_cols, keep_vals = [], [], []
    for col in range(sim.shape[1]):
        lo, hi = indptr[col], indptr[col + 1]
        if hi == lo:
            continue
        vals = data[lo:hi]
        rows = indices[lo:hi]
        if hi - lo > k:
            sel = np.argpartition(-vals, k - 1)[:k]
            vals, rows = vals[sel], rows[sel]
        keep_rows.append(rows)
        keep_cols.append(np.full(len(rows), col, dtype=np.int32))
        keep_vals.append(vals)
    if not keep_vals:
        return sp.csc_matrix(sim.shape, dtype=np.float32)
    return sp.csc_matrix((np.concatenate(keep_vals), (np.concatenate(keep_rows), np.concatenate(keep_cols))),
                         shape=sim.shape, dtype=np.float32)


class ItemKNN(Recommender):
    """Item-item CF. ``similarity`` is "cosine" or "adjusted_cosine"."""

    name = "itemknn"
    hyperparameters = ("similarity", "k", "shrinkage", "block_size")
    fitted_arrays = ("sim",)

    def __init__(self, similarity: str = "cosine", k: int = 100, shrinkage: float = 10.0,
                 block_size: int = 2048):
        if similarity not in ("cosine", "adjusted_cosine"):
            raise ValueError("similarity must be 'cosine' or 'adjusted_cosine'")
        self.similarity = similarity
        self.k = k
        self.shrinkage = shrinkage
        self.block_size = block_size

    def _centred(self, r: sp.csr_matrix) -> sp.csr_matrix:
        if self.similarity == "cosine":
            return r
        counts = np.diff(r.indptr)
        sums = np.asarray(r.sum(axis=1)).ravel()
        means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        centred = r.copy()
        centred.data = centred.data - np.repeat(means, counts).astype(np.float32)
        # Keep the sparsity pattern: a value equal to the user mean becomes an explicit zero.
        return centred

    def fit(self, user_items, item_features=None):
        r = as_csr(user_items)
        self.n_items = r.shape[1]
        x = self._centred(r).tocsc()
        binary = x.copy()
        binary.data = np.ones_like(binary.data)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())
        inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0).astype(np.float32)
        xt = x.T.tocsr()
        bt = binary.T.tocsr()
        blocks = []
        # Column blocks bound the memory of the item-item product.
        for start in range(0, self.n_items, self.block_size):
            stop = min(start + self.block_size, self.n_items)
            dots = (xt @ x[:, start:stop]).tocsc()
            if self.shrinkage > 0:
                co = (bt @ binary[:, start:stop]).tocsc()
                # Same sparsity pattern up to cancellations: align by element-wise product.
                shrink = co.copy()
                shrink.data = shrink.data / (shrink.data + self.shrinkage)
                dots = dots.multiply(shrink).tocsc()
            dots = sp.diags(inv) @ dots @ sp.diags(inv[start:stop])
            dots = dots.tocsc()
            _zero_diag_block(dots, start)
            dots.eliminate_zeros()
            blocks.append(_top_k_columns(dots, self.k))
        self.sim = sp.hstack(blocks).tocsr().astype(np.float32)  # sim[j, i] = s_ji, column i = neighbours of i
        return self

    def score(self, user_items_rows):
        rows = as_csr(user_items_rows)
        return np.asarray((rows @ self.sim).todense())

    def item_similarity_row(self, itemid):
        return np.asarray(self.sim[:, itemid].todense()).ravel()

    def contributions(self, user_row, items):
        """r_uj s_ji for each history item j and each of ``items`` i."""
        row = as_csr(user_row)
        sims = np.asarray(self.sim[row.indices][:, np.asarray(items)].todense())
        return (sims * row.data[:, None]).T.astype(np.float32)


def _zero_diag_block(block: sp.csc_matrix, offset: int) -> None:
    """Zero the entries (offset + c, c) of a column block of a square matrix, in place."""
    for c in range(block.shape[1]):
        lo, hi = block.indptr[c], block.indptr[c + 1]
        rows = block.indices[lo:hi]
        hit = np.nonzero(rows == offset + c)[0]
        if len(hit):
            block.data[lo + hit] = 0.0
