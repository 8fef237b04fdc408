"""The serving model: the active version's artefact, loaded once per process and swapped in atomically.

The artefact holds item-side parameters only, no per-user data (plain arrays and JSON, see
:mod:`recommender.artefacts`). An artefact that cannot be read (an old pickled one included) is ignored
with a log line, and the feed is served from content and popularity until the next training. A user's
scores are computed from their current events on every request (fold-in), so a like changes the next
page at once. Catalogue items added after training are scored from content only.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter

import numpy as np
import scipy.sparse as sp

from jobs.loaded_models import note_loaded

from .algorithms.hybrid import standardise
from .artefacts import Artefact, ArtefactError, load_artefact
from .cards import catalogue, item_terms, table_stamp
from .models import Item, ModelVersion
from .training import feature_matrix, fit_artefact

VERSION_CHECK_SECONDS = 10.0

log = logging.getLogger(__name__)


class ServingModel:
    """An artefact plus the catalogue items added after it was trained (scored from content only)."""

    def __init__(self, artefact: Artefact, version_id, catalogue_max_id, active_id):
        self.artefact = artefact
        self.version_id = version_id  # the version whose artefact this is; None for the fallback
        self.active_id = active_id  # the version that was active when this was loaded
        self.catalogue_max_id = catalogue_max_id
        self.hybrid = artefact.model
        self.n_model = len(artefact.item_ids)
        content = self.content
        extra = list(Item.objects.filter(id__gt=int(artefact.item_ids.max()) if self.n_model else 0)
                     .order_by("id").values_list("id", "tags", "features", "kind"))
        self.item_ids = np.concatenate([artefact.item_ids, np.array([e[0] for e in extra], dtype=np.int64)])
        self.col = {int(pk): c for c, pk in enumerate(self.item_ids)}
        self.extra_features = None
        if content is not None and extra:
            counts, _ = feature_matrix([item_terms(t, f) for _pk, t, f, _kind in extra], artefact.vocab)
            weighted = counts @ sp.diags(content.idf.astype(np.float32))
            norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
            inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
            self.extra_features = (sp.diags(inv.astype(np.float32)) @ weighted).tocsr()
        self.n_items = len(self.item_ids)
        # Sketches published since training: nobody's plays are in the model yet (see feed.FRESH_SLOT).
        self.fresh_cols = np.array([self.n_model + k for k, e in enumerate(extra) if e[3] == Item.KIND_SKETCH],
                                   dtype=np.int64)
        knn = self.hybrid.components.get("itemknn")
        self._knn_csc = knn.sim.tocsc() if knn is not None else None
        self._inverse_vocab = {c: term for term, c in artefact.vocab.items()}

    def top_terms(self, row, n: int = 30) -> list[str]:
        """The strongest terms of a user's content profile."""
        if self.content is None:
            return []
        profile = self.content.profiles(row)[0]
        n = min(n, len(profile))
        top = np.argpartition(-profile, n - 1)[:n]
        return [self._inverse_vocab[int(j)] for j in top[np.argsort(-profile[top])] if profile[j] > 0]

    def neighbours(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        """Model items j with a non-zero item-kNN similarity s_jc to item c, and those similarities
        (empty without item-kNN or for an item added after training)."""
        if self._knn_csc is None or c >= self.n_model:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        lo, hi = self._knn_csc.indptr[c], self._knn_csc.indptr[c + 1]
        return self._knn_csc.indices[lo:hi], self._knn_csc.data[lo:hi]

    @property
    def content(self):
        return self.hybrid.components.get("content")

    def row(self, totals) -> sp.csr_matrix:
        cols, vals = [], []
        for item_id, value in totals.items():
            c = self.col.get(int(item_id))
            if c is not None and c < self.n_model and value > 0:
                cols.append(c); vals.append(math.log1p(value))
        return sp.csr_matrix((vals, ([0] * len(cols), cols)), shape=(1, self.n_model), dtype=np.float32)

    def _extend(self, model_scores, extra_scores=None):
        out = np.zeros(self.n_items, dtype=np.float32)
        out[: self.n_model] = model_scores
        if extra_scores is not None:
            out[self.n_model:] = extra_scores
        return out

    def _content_extra(self, profile_vector, content_model_scores):
        """Scores of post-training items from the content profile, on the catalogue's z scale."""
        if self.extra_features is None or profile_vector is None:
            return None
        raw = np.asarray(self.extra_features @ profile_vector).ravel()
        mean, sd = content_model_scores.mean(), content_model_scores.std() or 1.0
        return (raw - mean) / sd

    def personal_scores(self, row) -> tuple[np.ndarray, dict]:
        """Blended scores for one user row, and each component's scale (the standard deviation of its raw
        scores for this user; for reasons)."""
        scaled = self.hybrid.scaled_component_scores(row)
        comps = {name: z for name, (z, _sd) in scaled.items()}
        blended = np.zeros(self.n_model, dtype=np.float32)
        for name, z in comps.items():
            blended += self.hybrid.weights[name] * z[0]
        extra = None
        content = self.content
        if content is not None and self.extra_features is not None:
            profile = content.profiles(row)[0]
            extra = self.hybrid.weights.get("content", 1.0) * self._content_extra(profile, content.score(row)[0])
        return self._extend(blended, extra), {k: float(sd[0]) for k, (_z, sd) in scaled.items()}

    def fresh_matches(self, row, terms: list[str]) -> np.ndarray:
        """The columns of fresh sketches (``fresh_cols``) that share content with the user: a positive
        cosine with the content profile of their history, or with their profile's words without one."""
        content = self.content
        if content is None or self.extra_features is None or not len(self.fresh_cols):
            return np.empty(0, dtype=np.int64)
        if row.nnz:
            profile = content.profiles(row)[0]
        elif terms:
            q, _ = feature_matrix([Counter(t.lower() for t in terms)], self.artefact.vocab)
            profile = np.asarray((q @ sp.diags(content.idf.astype(np.float32))).todense()).ravel()
        else:
            return np.empty(0, dtype=np.int64)
        raw = np.asarray(self.extra_features[self.fresh_cols - self.n_model] @ profile).ravel()
        return self.fresh_cols[raw > 0]

    def term_scores(self, terms: list[str]) -> np.ndarray:
        """Content scores of every item for a bag of words (cold start), standardised."""
        content = self.content
        if content is None or not terms:
            return np.zeros(self.n_items, dtype=np.float32)
        q, _ = feature_matrix([Counter(t.lower() for t in terms)], self.artefact.vocab)
        model_scores = content.score_terms(q)
        extra = None
        if self.extra_features is not None:
            v = np.asarray((q @ sp.diags(content.idf.astype(np.float32))).todense()).ravel()
            norm = np.linalg.norm(v)
            extra = self._content_extra(v / norm if norm else None, model_scores)
        sd = model_scores.std() or 1.0
        return self._extend((model_scores - model_scores.mean()) / sd, extra)

    def popularity_scores(self) -> np.ndarray:
        pop = self.hybrid.components.get("popularity")
        if pop is None:
            return np.zeros(self.n_items, dtype=np.float32)
        return self._extend(standardise(pop.item_scores[None, :])[0], None)

    def similar(self, item_pk: int, n: int = 10) -> list[tuple[int, float]]:
        c = self.col.get(int(item_pk))
        if c is None:
            return []
        content = self.content
        if c < self.n_model:
            s = self._extend(self.hybrid.item_similarity_row(c), None)
            if content is not None and self.extra_features is not None:
                raw = np.asarray(self.extra_features @ content.features[c].T.toarray()).ravel()
                s[self.n_model:] = raw * (s[: self.n_model].std() or 1.0)
        else:
            f = self.extra_features[c - self.n_model]
            s = np.zeros(self.n_items, dtype=np.float32)
            s[: self.n_model] = np.asarray((content.features @ f.T).todense()).ravel()
            s[self.n_model:] = np.asarray((self.extra_features @ f.T).todense()).ravel()
        s[c] = -np.inf
        order = np.argsort(-s)[:n]
        return [(int(self.item_ids[i]), float(s[i])) for i in order if np.isfinite(s[i])]


_serving = {"model": None, "checked": 0.0}
_serving_lock = threading.Lock()
_ignored_artefacts: set[str] = set()


def _fallback_artefact() -> Artefact:
    """Before the first training: content and popularity from the catalogue (fast, no tuning)."""
    artefact, _stats, _ = fit_artefact(components=["content", "popularity"], tune=False, encode=False)
    return artefact


def _read_artefact(path: str) -> Artefact | None:
    """The artefact stored at ``path``, or None when it is missing or unreadable (logged once per file)."""
    try:
        return load_artefact(path)
    except (ArtefactError, FileNotFoundError) as exc:
        if path not in _ignored_artefacts:
            _ignored_artefacts.add(path)
            log.warning("Recommender artefact %s ignored (%s); serving content and popularity until the next "
                        "training.", path, exc)
        return None


def get_model() -> ServingModel | None:
    """The serving model, reloaded when another version becomes active or the catalogue grows."""
    now = time.monotonic()
    current = _serving["model"]
    if current is not None and now - _serving["checked"] < VERSION_CHECK_SECONDS:
        return current
    with _serving_lock:
        current = _serving["model"]
        if current is not None and time.monotonic() - _serving["checked"] < VERSION_CHECK_SECONDS:
            return current
        active = ModelVersion.objects.filter(is_active=True).values_list("id", "path").first()
        stamp = table_stamp()
        catalogue.refresh(stamp)
        max_id = stamp[1]
        active_id = active[0] if active else None
        if current is None or current.active_id != active_id or current.catalogue_max_id != max_id:
            if not max_id:
                _serving.update(model=None, checked=time.monotonic())
                return None
            artefact = None
            if current is not None and current.version_id is not None and current.version_id == active_id:
                artefact = current.artefact
            elif active and active[1]:
                artefact = _read_artefact(active[1])
            version_id = active_id if artefact is not None else None
            if artefact is None:
                artefact = _fallback_artefact()
            # One assignment: requests already running keep the old model, new ones get this one.
            _serving["model"] = ServingModel(artefact, version_id, max_id, active_id)
            note_loaded("recommender", source=f"version {version_id}" if version_id else "content + popularity")
        _serving["checked"] = time.monotonic()
        return _serving["model"]


def reset_serving_cache() -> None:
    _serving.update(model=None, checked=0.0)
    catalogue.reset()
