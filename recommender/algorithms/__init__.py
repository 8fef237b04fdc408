"""Recommendation algorithms: plain numpy/scipy (and ``implicit``), no Django.

Every algorithm implements :class:`recommender.algorithms.base.Recommender`
(``fit`` / ``score`` / ``recommend`` / ``similar_items``) and is chosen by name with :func:`make`.
"""
from __future__ import annotations

from .base import Recommender


def make(name: str, seed: int = 0, **params) -> Recommender:
    """Build an algorithm by name: popularity, itemknn, itemknn_adjusted, content, als, bpr, ease, rp3beta,
    hybrid."""
    from .content import ContentBased
    from .ease import EASE
    from .hybrid import Hybrid, default_components
    from .itemknn import ItemKNN
    from .mf import ALS, BPR
    from .popularity import Popularity
    from .rp3beta import RP3beta

    builders = {
        "popularity": lambda: Popularity(),
        "itemknn": lambda: ItemKNN("cosine", **params),
        "itemknn_adjusted": lambda: ItemKNN("adjusted_cosine", **params),
        "content": lambda: ContentBased(),
        "als": lambda: ALS(random_state=seed, **params),
        "bpr": lambda: BPR(random_state=seed, **params),
        "ease": lambda: EASE(**params),
        "rp3beta": lambda: RP3beta(**params),
        "hybrid": lambda: Hybrid(default_components(seed=seed), seed=seed, **params),
    }
    if name not in builders:
        raise KeyError(f"unknown algorithm {name!r}; choose from {', '.join(builders)}")
    return builders[name]()


ALGORITHMS = ("popularity", "itemknn", "itemknn_adjusted", "content", "als", "bpr", "ease", "rp3beta", "hybrid")

__all__ = ["Recommender", "make", "ALGORITHMS"]
