"""Matrix factorisation with the ``implicit`` library: ALS (Hu, Koren and Volinsky 2008) and BPR
(Rendle et al. 2009).

ALS minimises, with preference p_ui = [r_ui > 0] and confidence c_ui = alpha * r_ui (implicit's
convention: unobserved cells have confidence 1),

    sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + lambda (sum_u ||x_u||^2 + sum_i ||y_i||^2).

BPR maximises sum_{(u,i,j)} ln sigmoid(x_u . y_i - x_u . y_j) - lambda ||theta||^2 over sampled triples
of a played item ``i`` and an unplayed item ``j``.

The score is score(u, i) = x_u . y_i. Only the item factors ``Y`` are saved with a fitted model; a user's
factors are recomputed from their row by one exact ALS half-step ("fold-in"),

    x_u = (Y^T Y + lambda I + Y^T (C_u - I) Y)^{-1} Y^T C_u p_u,

so a new like changes the user's scores immediately and the model holds no per-user data. For BPR
the same least-squares projection is used for fold-in (BPR has no closed form); ``learned_user_factors``
keeps the factors learnt for the users in the training matrix for offline evaluation (in memory only:
serving folds users in, so a saved model holds no per-user data).

ALS with ``tag_weight`` > 0 is fitted with the item tags as extra pseudo-users (:mod:`.tag_rows`); users
are folded in from their own rows as before.

On a machine with CUDA, ``implicit``'s GPU models are used and the factors are copied back to the CPU.
"""
from __future__ import annotations

import numpy as np

from .base import Recommender, as_csr
from .tag_rows import with_tag_rows


def _gpu_available() -> bool:
    try:
        import implicit.gpu

        return bool(implicit.gpu.HAS_CUDA)
    except Exception:  # pragma: no cover - depends on the build
        return False


class _ImplicitMF(Recommender):
    fitted_arrays = ("item_factors",)
    tag_weight = 0.0

    def _make_model(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, user_items, item_features=None):
        n_users = user_items.shape[0]
        r = with_tag_rows(user_items, item_features, self.tag_weight)
        self.n_items = r.shape[1]
        model = self._make_model()
        model.fit(r, show_progress=False)
        if hasattr(model, "to_cpu"):
            model = model.to_cpu()
        self.item_factors = np.asarray(model.item_factors, dtype=np.float32)
        self.learned_user_factors = np.asarray(model.user_factors, dtype=np.float32)[:n_users]
        self._prepare()
        return self

    def _prepare(self) -> None:
        y = self.item_factors.astype(np.float64)
        self._yty = y.T @ y
        norms = np.linalg.norm(self.item_factors, axis=1)
        self._item_norms = np.where(norms > 0, norms, 1.0)

    def fold_in(self, user_items_rows) -> np.ndarray:
        """User factors from interaction rows, by the exact ALS least-squares step."""
        rows = as_csr(user_items_rows)
        y = self.item_factors
        k = y.shape[1]
        out = np.zeros((rows.shape[0], k), dtype=np.float32)
        base = self._yty + self.regularization * np.eye(k)
        for u in range(rows.shape[0]):
            lo, hi = rows.indptr[u], rows.indptr[u + 1]
            if hi == lo:
                continue
            idx = rows.indices[lo:hi]
            c = self.alpha * rows.data[lo:hi].astype(np.float64)
            yu = y[idx].astype(np.float64)
            a = base + (yu.T * (c - 1.0)) @ yu
            b = yu.T @ c
            out[u] = np.linalg.solve(a, b)
        return out

    def score(self, user_items_rows):
        return self.fold_in(user_items_rows) @ self.item_factors.T

    def contributions(self, user_row, items):
        """The fold-in is linear in the history: x_u = A_u^{-1} sum_j c_j y_j, so the score of item i
        splits into c_j y_i^T A_u^{-1} y_j per history item j (for BPR, on its binary row)."""
        row = as_csr(self._preferences(user_row))
        y = self.item_factors.astype(np.float64)
        if row.nnz == 0:
            return np.zeros((len(items), 0), dtype=np.float32)
        c = self.alpha * row.data.astype(np.float64)
        yu = y[row.indices]
        a = self._yty + self.regularization * np.eye(y.shape[1]) + (yu.T * (c - 1.0)) @ yu
        per_history = np.linalg.solve(a, yu.T * c)  # factors x history
        return (y[np.asarray(items)] @ per_history).astype(np.float32)

    def _preferences(self, user_items_rows):
        """The rows the fold-in works on (ALS: the weights as given)."""
        return user_items_rows

    def score_users(self, userids) -> np.ndarray:
        """Scores from the user factors learnt in training (users of the training matrix only)."""
        return self.learned_user_factors[np.asarray(userids)] @ self.item_factors.T

    def item_similarity_row(self, itemid):
        y = self.item_factors
        return (y @ y[itemid]) / (self._item_norms * self._item_norms[itemid])


class ALS(_ImplicitMF):
    name = "als"
    hyperparameters = ("factors", "regularization", "alpha", "iterations", "random_state", "num_threads",
                       "tag_weight")

    def __init__(self, factors: int = 64, regularization: float = 0.05, alpha: float = 2.0,
                 iterations: int = 15, random_state: int = 0, num_threads: int = 1, tag_weight: float = 0.0):
        self.tag_weight = tag_weight
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.random_state = random_state
        self.num_threads = num_threads

    def _make_model(self):
        from implicit.als import AlternatingLeastSquares

        return AlternatingLeastSquares(factors=self.factors, regularization=self.regularization,
                                       alpha=self.alpha, iterations=self.iterations,
                                       random_state=self.random_state, num_threads=self.num_threads,
                                       use_gpu=_gpu_available())


class BPR(_ImplicitMF):
    name = "bpr"
    alpha = 1.0
    hyperparameters = ("factors", "learning_rate", "regularization", "iterations", "random_state", "num_threads")

    def __init__(self, factors: int = 64, learning_rate: float = 0.05, regularization: float = 0.01,
                 iterations: int = 100, random_state: int = 0, num_threads: int = 1):
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.random_state = random_state
        self.num_threads = num_threads

    def _make_model(self):
        from implicit.bpr import BayesianPersonalizedRanking

        return BayesianPersonalizedRanking(factors=self.factors, learning_rate=self.learning_rate,
                                           regularization=self.regularization,
                                           iterations=self.iterations, random_state=self.random_state,
                                           num_threads=self.num_threads, use_gpu=_gpu_available())

    def score(self, user_items_rows):
        return super().score(self._preferences(user_items_rows))

    def _preferences(self, user_items_rows):
        """Binary preferences for the least-squares projection onto BPR's item space."""
        rows = as_csr(user_items_rows).copy()
        rows.data[:] = 1.0
        return rows
