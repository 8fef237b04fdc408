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

Dense blocks (:class:`ItemContent`): besides the tags, an item may have a text embedding (MiniLM of its
title and tags) and a sound vector (what its notes sound like: symbolic fingerprint and melody-VAE latent,
see :func:`recommender.algorithms.symbolic.sound_block`), each of unit norm or zero where missing. The
item's vector is then the concatenation [f_i, w_text t_i, w_sound s_i], scaled to unit norm, so one cosine
compares tags, words and sound together, and every part of a score splits by block
(:meth:`ContentBased.block_contributions`: "Sounds like" is the sound block's share).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .base import Recommender, as_csr

BLOCKS = ("tags", "text", "sound")


@dataclass
class ItemContent:
    """Content of every item: tag counts (items x terms) and optional dense blocks (items x d, rows of
    unit norm, zero rows for items without)."""

    tags: sp.csr_matrix
    text: np.ndarray | None = None
    sound: np.ndarray | None = None


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


def centred_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows minus the mean of the non-zero rows, scaled to unit norm (zero rows stay zero). Sentence
    embeddings all point one way (every pair of short texts has a positive cosine), which flattens a user's
    content scores; centring keeps only what tells items apart."""
    x = np.asarray(vectors, dtype=np.float64)
    present = np.abs(x).sum(axis=1) > 0
    out = np.zeros_like(x)
    if present.any():
        out[present] = x[present] - x[present].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0).astype(np.float32)


class ContentBased(Recommender):
    name = "content"
    hyperparameters = ("text_weight", "sound_weight")
    fitted_arrays = ("features", "idf", "text", "sound")

    def __init__(self, text_weight: float = 0.5, sound_weight: float = 1.0):
        self.text_weight = text_weight
        self.sound_weight = sound_weight

    @classmethod
    def from_fitted(cls, params: dict, n_items: int, arrays: dict) -> "ContentBased":
        """As :meth:`Recommender.from_fitted`; an artefact saved before the dense blocks has none."""
        empty = np.zeros((n_items, 0), dtype=np.float32)
        return super().from_fitted(params, n_items, {"text": empty, "sound": empty, **arrays})

    def fit(self, user_items, item_features=None):
        r = as_csr(user_items)
        self.n_items = r.shape[1]
        content = item_features if isinstance(item_features, ItemContent) else ItemContent(item_features)
        tags = content.tags
        if tags is None:
            tags = sp.csr_matrix((self.n_items, 1), dtype=np.float32)
        if tags.shape[0] != self.n_items:
            raise ValueError("item_features must have one row per item")
        weighted, self.idf = tfidf(tags)
        dense = {}
        for block, weight in (("text", self.text_weight), ("sound", self.sound_weight)):
            values = getattr(content, block)
            if values is None or not weight:
                dense[block] = np.zeros((self.n_items, 0), dtype=np.float32)
            elif values.shape[0] != self.n_items:
                raise ValueError(f"the {block} block must have one row per item")
            else:
                dense[block] = weight * np.asarray(values, dtype=np.float32)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel()
                        + sum((v ** 2).sum(axis=1) for v in dense.values()))
        inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0).astype(np.float32)
        self.features = (sp.diags(inv) @ weighted).tocsr()
        self.text = np.ascontiguousarray(dense["text"] * inv[:, None], dtype=np.float32)
        self.sound = np.ascontiguousarray(dense["sound"] * inv[:, None], dtype=np.float32)
        return self

    def _block_profiles(self, rows) -> dict:
        """Raw profiles sum_j r_uj v_j of each block (dense, rows x block dims)."""
        return {"tags": np.asarray((rows @ self.features).todense()),
                "text": np.asarray(rows @ self.text), "sound": np.asarray(rows @ self.sound)}

    def _norms(self, profiles: dict) -> np.ndarray:
        return np.sqrt(sum((p ** 2).sum(axis=1) for p in profiles.values()))[:, None]

    def profiles(self, user_items_rows) -> np.ndarray:
        """The tag block of the unit-norm user profiles p_u / ||p_u|| (dense, rows x terms)."""
        blocks = self._block_profiles(as_csr(user_items_rows))
        norms = self._norms(blocks)
        return np.divide(blocks["tags"], norms, out=np.zeros_like(blocks["tags"]), where=norms > 0)

    def score(self, user_items_rows):
        blocks = self._block_profiles(as_csr(user_items_rows))
        norms = self._norms(blocks)
        out = np.asarray(self.features @ blocks["tags"].T).T
        if self.text.shape[1]:
            out = out + blocks["text"] @ self.text.T
        if self.sound.shape[1]:
            out = out + blocks["sound"] @ self.sound.T
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0).astype(np.float32)

    def score_terms(self, term_counts) -> np.ndarray:
        """Scores of every item for a bag of terms (1 x terms counts), e.g. a new user's picks."""
        q = as_csr(term_counts) @ sp.diags(self.idf.astype(np.float32))
        q = np.asarray(q.todense()).ravel()
        norm = np.linalg.norm(q)
        if norm == 0:
            return np.zeros(self.n_items)
        return np.asarray(self.features @ (q / norm)).ravel()

    def block_contributions(self, user_row, items) -> dict:
        """block -> r_uj (v_i . v_j) / ||p_u|| of that block, for each of ``items`` i (rows) and history
        item j (columns); the blocks sum to :meth:`contributions`."""
        row = as_csr(user_row)
        items = np.asarray(items)
        norm = float(self._norms(self._block_profiles(row))[0, 0])
        out = {}
        for block in BLOCKS:
            if norm == 0:
                out[block] = np.zeros((len(items), row.nnz), dtype=np.float32)
                continue
            if block == "tags":
                dots = np.asarray((self.features[items] @ self.features[row.indices].T).todense())
            else:
                values = getattr(self, block)
                dots = values[items] @ values[row.indices].T
            out[block] = (dots * row.data[None, :] / norm).astype(np.float32)
        return out

    def contributions(self, user_row, items):
        """r_uj (v_i . v_j) / ||p_u|| for each history item j and each of ``items`` i."""
        return sum(self.block_contributions(user_row, items).values())

    def item_similarity_row(self, itemid):
        out = np.asarray((self.features @ self.features[itemid].T).todense()).ravel()
        for values in (self.text, self.sound):
            if values.shape[1]:
                out = out + values @ values[itemid]
        return out
