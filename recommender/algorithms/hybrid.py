"""Hybrid: a weighted blend of standardised component scores.

Each component's scores are standardised per user over all items, z_k(u, i) = (s_k(u, i) - m_k(u)) / sd_k(u),
and blended,

    score(u, i) = sum_k w_k z_k(u, i).

The weights ``w`` are fitted on a validation split carved from the training matrix (per-user 20%
hold-out): components are fitted on the rest, and coordinate ascent over a grid of weights maximises the
validation NDCG@10 of every validation user, or of a sample of ``tune_users`` when given (ranked over
each user's candidate pool, the union of the components' top 200: :mod:`.pooled_ndcg`); then the
components are refitted on the whole training matrix with the chosen weights.

A component may be given as a list of candidate factories (e.g. EASE with several L2 penalties): on the
same validation split the candidate with the best NDCG@10 of its own is kept, before the weights are
fitted. Without tuning the first candidate is used. The test pairs of an evaluation are never seen: the
validation split is carved from the training matrix the hybrid is given.
"""
from __future__ import annotations

import numpy as np

from .base import Recommender, as_csr
from .metrics import holdout_split
from .pooled_ndcg import PooledNDCG

WEIGHT_GRID = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0)


def standardise(scores: np.ndarray) -> np.ndarray:
    s = np.asarray(scores, dtype=np.float32)
    mean = s.mean(axis=1, keepdims=True)
    sd = s.std(axis=1, keepdims=True)
    return (s - mean) / np.where(sd > 0, sd, 1.0)


class Hybrid(Recommender):
    name = "hybrid"

    def __init__(self, components: dict, weights: dict | None = None, tune: bool = True,
                 tune_users: int | None = None, seed: int = 0, passes: int = 2):
        # name -> zero-argument callable returning a Recommender, or a list of candidate callables
        self.candidates = {name: list(make) if isinstance(make, (list, tuple)) else [make]
                           for name, make in components.items()}
        self.factories = {name: makes[0] for name, makes in self.candidates.items()}
        self.weights = dict(weights or {name: 1.0 for name in components})
        self.tune = tune
        self.tune_users = tune_users
        self.seed = seed
        self.passes = passes
        self.tuning_log: list = []
        self.chosen: dict = {}

    def _fit_components(self, r, item_features):
        return {name: make().fit(r, item_features) for name, make in self.factories.items()}

    def fit(self, user_items, item_features=None):
        r = as_csr(user_items)
        self.n_items = r.shape[1]
        if self.tune and (len(self.factories) > 1 or any(len(c) > 1 for c in self.candidates.values())):
            self._tune(r, item_features)
        self.components = self._fit_components(r, item_features)
        return self

    def _tune(self, r, item_features):
        fit_part, val_part = holdout_split(r, 0.2, seed=self.seed + 1000)
        users = np.nonzero(np.diff(val_part.indptr))[0]
        rng = np.random.default_rng(self.seed)
        if self.tune_users is not None and len(users) > self.tune_users:
            users = np.sort(rng.choice(users, self.tune_users, replace=False))
        rows, held = fit_part[users], val_part[users]
        z = {}
        for name, makes in self.candidates.items():
            best_ndcg = -1.0
            for make in makes:
                component = make().fit(fit_part, item_features)
                scores = standardise(component.score(rows))
                ndcg = PooledNDCG({name: scores}, rows, held)({name: 1.0}) if len(makes) > 1 else 0.0
                if ndcg > best_ndcg:
                    best_ndcg, z[name], self.factories[name] = ndcg, scores, make
                    self.chosen[name] = {"params": component.get_params(), "val_ndcg@10": ndcg}
        names = list(z)
        evaluate = PooledNDCG(z, rows, held)

        best = dict(self.weights)
        best_score = evaluate(best)
        for _ in range(self.passes):
            improved = False
            for name in names:
                for value in WEIGHT_GRID:
                    trial = dict(best, **{name: value})
                    if trial == best or not any(trial.values()):
                        continue
                    s = evaluate(trial)
                    if s > best_score + 1e-6:
                        best, best_score, improved = trial, s, True
            self.tuning_log.append({"weights": dict(best), "val_ndcg@10": best_score})
            if not improved:
                break
        self.weights = best
        self.validation_ndcg = best_score

    @classmethod
    def from_components(cls, components: dict, weights: dict, n_items: int) -> "Hybrid":
        """A fitted blend of already fitted ``components`` (name -> Recommender) with ``weights``."""
        model = cls({}, weights=weights, tune=False)
        model.components, model.n_items = dict(components), n_items
        return model

    def component_scores(self, user_items_rows) -> dict:
        """Standardised scores of every component with a non-zero weight."""
        return {n: z for n, (z, _sd) in self.scaled_component_scores(user_items_rows).items()}

    def scaled_component_scores(self, user_items_rows) -> dict:
        """name -> (standardised scores, per-row standard deviation of the raw scores) of every
        component with a non-zero weight: w_k * contribution / sd is a raw contribution in blend units."""
        rows = as_csr(user_items_rows)
        out = {}
        for n, c in self.components.items():
            if self.weights.get(n):
                raw = np.asarray(c.score(rows), dtype=np.float32)
                sd = raw.std(axis=1)
                out[n] = (standardise(raw), np.where(sd > 0, sd, 1.0))
        return out

    def score(self, user_items_rows):
        rows = as_csr(user_items_rows)
        out = np.zeros((rows.shape[0], self.n_items), dtype=np.float32)
        for name, z in self.component_scores(rows).items():
            out += self.weights[name] * z
        return out

    def item_similarity_row(self, itemid):
        out = np.zeros(self.n_items, dtype=np.float32)
        for name, c in self.components.items():
            w = self.weights.get(name)
            if w and name != "popularity":
                out += w * standardise(c.item_similarity_row(itemid)[None, :])[0]
        return out


def default_components(item_features_available: bool = True, seed: int = 0) -> dict:
    """The default blend: EASE, item-kNN, RP3beta, ALS, content and popularity. EASE, item-kNN, RP3beta
    and ALS come with a few candidate settings each, chosen on the validation split when tuning (grids
    from validation runs on HetRec, benchmarks/RESULTS.md). EASE, RP3beta and ALS have candidates that see
    the item tags as pseudo-users (``tag_weight``, :mod:`.tag_rows`); the first candidate, the default
    without tuning, is a plain model (the untuned default before the tag candidates), because a tag weight
    suits a catalogue only as its validation says (on a small untuned catalogue the tags can drown the
    plays)."""
    from .content import ContentBased
    from .ease import EASE
    from .itemknn import ItemKNN
    from .mf import ALS
    from .popularity import Popularity
    from .rp3beta import RP3beta

    comps = {
        "ease": [lambda l2=l2, t=t: EASE(l2=l2, tag_weight=t)
                 for l2, t in ((1000.0, 0.0), (2000.0, 0.0), (2000.0, 20.0), (4000.0, 20.0), (2000.0, 30.0))],
        "itemknn": [lambda s=s: ItemKNN("cosine", k=200, shrinkage=s) for s in (10.0, 3.0)],
        "rp3beta": [lambda a=a, b=b, t=t: RP3beta(alpha=a, beta=b, k=300, tag_weight=t)
                    for a, b, t in ((0.85, 0.3, 0.0), (1.0, 0.25, 0.0), (1.0, 0.25, 3.0), (1.0, 0.25, 1.0),
                                    (0.85, 0.3, 3.0))],
        "als": [lambda f=f, a=a, t=t: ALS(factors=f, alpha=a, random_state=seed, tag_weight=t)
                for f, a, t in ((64, 1.0, 0.0), (32, 2.0, 0.0), (32, 2.0, 10.0), (32, 2.0, 3.0))],
        "popularity": lambda: Popularity(),
    }
    if item_features_available:
        comps["content"] = lambda: ContentBased()
    return comps
