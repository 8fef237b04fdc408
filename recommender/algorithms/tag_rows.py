"""Tags as pseudo-users: side information for the collaborative models (EASE, RP3beta, ALS).

The interaction matrix ``X`` (users x items) gets one extra row per tag, ``w * F^T``, where ``F`` is the
items x tags TF-IDF matrix of :func:`recommender.algorithms.content.tfidf` (rows of unit norm):

    X' = [ X ; w F^T ]

so two items that share tags co-occur in the tag rows as two artists co-occur in a listener's history
(the side information of Ning and Karypis's collective SLIM, "Sparse linear methods with side
information", CIKM 2012, here for EASE, RP3beta and ALS). A model fitted on
``X'`` keeps only item-side parameters and scores a user from their own row of ``X``, as before.
``w`` sets how much the tags count against the plays: on HetRec (plays as log(1 + plays), 2 to 14) the
validation split preferred w = 20 for EASE, 10 for ALS and 3 for RP3beta (benchmarks/RESULTS.md).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .base import as_csr


def item_tag_counts(item_features):
    """The items x tags count matrix of ``item_features`` (a sparse matrix, or an ``ItemContent``'s
    ``tags``); None without one."""
    tags = getattr(item_features, "tags", item_features)
    return None if tags is None or not sp.issparse(tags) else tags


def with_tag_rows(user_items, item_features, weight: float) -> sp.csr_matrix:
    """``user_items`` with ``weight`` times the transposed TF-IDF tag matrix appended as extra rows
    (unchanged when ``weight`` is 0 or there are no tags)."""
    from .content import tfidf

    r = as_csr(user_items)
    tags = item_tag_counts(item_features)
    if not weight or tags is None or tags.nnz == 0:
        return r
    if tags.shape[0] != r.shape[1]:
        raise ValueError("item_features must have one row per item")
    weighted, _idf = tfidf(tags)
    rows = (np.float32(weight) * weighted.T).tocsr()
    rows = rows[np.diff(rows.indptr) > 0]
    return as_csr(sp.vstack([r, rows]))
