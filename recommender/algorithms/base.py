"""The interface every recommender in this package implements.

All algorithms work on an implicit-feedback matrix ``R`` (users x items, ``scipy.sparse.csr_matrix``,
``r_ui >= 0`` is the confidence that user ``u`` likes item ``i``; zero means unobserved).

The one small interface, modelled on the ``implicit`` library:

- ``fit(user_items, item_features=None)`` learns item-side parameters;
- ``score(user_items_rows)`` returns dense scores (rows x items) computed from the users' interaction
  rows alone. Because scores are a function of the row, a user's newest events change their scores at
  once without a retrain ("online fold-in"), and a fitted model holds no per-user data;
- ``recommend(userid, user_items, N)`` ranks the unseen items of one user;
- ``similar_items(itemid, N)`` ranks the items most similar to one item.

A fitted model is saved as plain data (see :mod:`recommender.artefacts`): its ``hyperparameters``
(constructor arguments, JSON values) and its ``fitted_arrays`` (numpy arrays or scipy sparse matrices,
item-side only); :meth:`Recommender.from_fitted` rebuilds it from them.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def as_csr(matrix) -> sp.csr_matrix:
    """Return ``matrix`` as a float32 CSR matrix with sorted indices."""
    m = sp.csr_matrix(matrix, dtype=np.float32)
    m.sort_indices()
    return m


def top_n(scores: np.ndarray, n: int, exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the ``n`` largest entries of a 1-d array, best first.

    ``exclude`` (indices) are never returned; ``-inf`` entries are never returned either.
    """
    s = np.asarray(scores, dtype=np.float64).copy()
    if exclude is not None and len(exclude):
        s[np.asarray(exclude, dtype=np.int64)] = -np.inf
    n = min(n, int(np.isfinite(s).sum()))
    if n <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    idx = np.argpartition(-s, n - 1)[:n]
    idx = idx[np.argsort(-s[idx], kind="stable")]
    return idx.astype(np.int64), s[idx]


def top_n_rows(scores: np.ndarray, n: int) -> np.ndarray:
    """Row-wise indices of the ``n`` largest entries of a 2-d array, best first."""
    n = min(n, scores.shape[1])
    part = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


class Recommender:
    """Base class: subclasses implement ``fit``, ``score`` and ``item_similarity_row``, and name what a
    saved model keeps in ``hyperparameters`` and ``fitted_arrays``."""

    name = "base"

    n_items: int = 0
    hyperparameters: tuple[str, ...] = ()
    fitted_arrays: tuple[str, ...] = ()

    def get_params(self) -> dict:
        """The constructor arguments, by name."""
        return {name: getattr(self, name) for name in self.hyperparameters}

    def fitted_state(self) -> dict:
        """The fitted arrays (numpy or scipy sparse) that serving needs, by name."""
        return {name: getattr(self, name) for name in self.fitted_arrays}

    @classmethod
    def from_fitted(cls, params: dict, n_items: int, arrays: dict) -> "Recommender":
        """A fitted model rebuilt from :meth:`get_params`, ``n_items`` and :meth:`fitted_state`."""
        model = cls(**params)
        model.n_items = n_items
        for name in cls.fitted_arrays:
            setattr(model, name, arrays[name])
        model._prepare()
        return model

    def _prepare(self) -> None:
        """Compute what derives from the fitted arrays (after ``fit`` or :meth:`from_fitted`)."""

    def fit(self, user_items, item_features=None) -> "Recommender":  # pragma: no cover - abstract
        raise NotImplementedError

    def score(self, user_items_rows) -> np.ndarray:  # pragma: no cover - abstract
        """Dense scores, shape (rows, n_items), for the given interaction rows."""
        raise NotImplementedError

    def item_similarity_row(self, itemid: int) -> np.ndarray:  # pragma: no cover - abstract
        """Similarity of item ``itemid`` to every item (1-d, n_items)."""
        raise NotImplementedError

    def contributions(self, user_row, items) -> np.ndarray:
        """How much each item of a user's history adds to their raw scores of ``items``: an array
        (len(items), history items of ``user_row`` in column order) that sums over its last axis to
        ``score(user_row)[0, items]``. Models whose score is not a sum over the history (popularity)
        have none: the base implementation returns an empty second axis."""
        return np.zeros((len(items), 0), dtype=np.float32)

    def recommend(self, userid, user_items, N: int = 10, filter_already_liked_items: bool = True,
                  filter_items=None) -> tuple[np.ndarray, np.ndarray]:
        """Top-``N`` items for ``userid``: ``user_items`` is the full matrix or that user's row."""
        rows = as_csr(user_items)
        row = rows[userid] if rows.shape[0] > 1 else rows
        scores = self.score(row)[0]
        exclude = list(row.indices) if filter_already_liked_items else []
        if filter_items is not None:
            exclude = list(exclude) + list(filter_items)
        return top_n(scores, N, exclude)

    def similar_items(self, itemid: int, N: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The ``N`` items most similar to ``itemid`` (itself excluded)."""
        return top_n(self.item_similarity_row(itemid), N, [itemid])
