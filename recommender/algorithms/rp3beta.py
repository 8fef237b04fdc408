"""RP3beta: a three-step random walk on the user-item graph, popularity-discounted (Paudel, Christoffel,
Newell and Bernstein, ACM TiiS 2017; the strong graph baseline of Dacrema et al., RecSys 2019).

With ``X`` the (users x items) matrix, P_ui = x_ui / sum_i x_ui the user -> item transition and
P_iu = x_ui / sum_u x_ui the item -> user transition, the item -> item transition of two steps is

    W_ij = sum_u P_iu^alpha P_uj^alpha / d_j^beta,       d_j = |{u : x_uj > 0}|

(``alpha`` sharpens or flattens the walk; ``beta`` divides by the target item's degree, so a walk that
ends on a popular item counts less). Only the ``k`` largest entries of each row ``i`` are kept, and

    score(u, j) = sum_i x_ui W_ij

(the walk's third step from the user's own items, weighted by their interactions). With ``tag_weight``
> 0 the walk also passes through the items' tags, as pseudo-users (:mod:`.tag_rows`).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .base import Recommender, as_csr
from .tag_rows import with_tag_rows


def _row_normalised_power(m: sp.csr_matrix, alpha: float) -> sp.csr_matrix:
    """Rows divided by their sums, then every entry raised to ``alpha``."""
    sums = np.asarray(m.sum(axis=1)).ravel()
    inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    out = (sp.diags(inv.astype(np.float32)) @ m).tocsr()
    out.data = np.power(out.data, alpha, dtype=np.float32)
    return out


def _top_k_rows(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the ``k`` largest entries of each row of a CSR matrix."""
    rows, cols, vals = [], [], []
    for r in range(m.shape[0]):
        lo, hi = m.indptr[r], m.indptr[r + 1]
        if hi == lo:
            continue
        v, c = m.data[lo:hi], m.indices[lo:hi]
        if hi - lo > k:
            sel = np.argpartition(-v, k - 1)[:k]
            v, c = v[sel], c[sel]
        rows.append(np.full(len(c), r, dtype=np.int32))
        cols.append(c)
        vals.append(v)
    if not vals:
        return sp.csr_matrix(m.shape, dtype=np.float32)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=m.shape, dtype=np.float32)


class RP3beta(Recommender):
    name = "rp3beta"
    hyperparameters = ("alpha", "beta", "k", "block_size", "tag_weight")
    fitted_arrays = ("W",)

    def __init__(self, alpha: float = 0.85, beta: float = 0.3, k: int = 300, block_size: int = 2048,
                 tag_weight: float = 0.0):
        self.alpha = alpha
        self.beta = beta
        self.k = k
        self.block_size = block_size
        self.tag_weight = tag_weight

    def fit(self, user_items, item_features=None):
        r = with_tag_rows(user_items, item_features, self.tag_weight)
        self.n_items = r.shape[1]
        p_ui = _row_normalised_power(r, self.alpha)
        p_iu = _row_normalised_power(r.T.tocsr(), self.alpha)
        degree = np.diff(r.tocsc().indptr).astype(np.float64)
        discount = np.divide(1.0, np.power(degree, self.beta), out=np.zeros_like(degree), where=degree > 0)
        discount = sp.diags(discount.astype(np.float32))
        blocks = []
        # Row blocks bound the memory of the item-item product.
        for start in range(0, self.n_items, self.block_size):
            block = (p_iu[start:start + self.block_size] @ p_ui @ discount).tocsr()
            _zero_diagonal(block, start)
            block.eliminate_zeros()
            blocks.append(_top_k_rows(block, self.k))
        self.W = sp.vstack(blocks).tocsr().astype(np.float32)
        return self

    def score(self, user_items_rows):
        return np.asarray((as_csr(user_items_rows) @ self.W).todense())

    def contributions(self, user_row, items):
        """x_ui W_ij for each history item i and each of ``items`` j."""
        row = as_csr(user_row)
        w = np.asarray(self.W[row.indices][:, np.asarray(items)].todense())
        return (w * row.data[:, None]).T.astype(np.float32)

    def item_similarity_row(self, itemid):
        return np.asarray(self.W[itemid].todense()).ravel()


def _zero_diagonal(block: sp.csr_matrix, offset: int) -> None:
    """Zero the entries (r, offset + r) of a row block of a square matrix, in place."""
    for r in range(block.shape[0]):
        lo, hi = block.indptr[r], block.indptr[r + 1]
        hit = np.nonzero(block.indices[lo:hi] == offset + r)[0]
        if len(hit):
            block.data[lo + hit] = 0.0
