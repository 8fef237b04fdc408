"""Training from the database: the interaction matrix (imported plays and site events), the content
features of the catalogue, a fitted hybrid stored as an artefact, and the atomic swap of the active
version."""
from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import transaction

from .algorithms.content import ItemContent
from .algorithms.hybrid import Hybrid, default_components
from .artefacts import SUFFIX, Artefact, save_artefact
from .cards import item_terms
from .events import user_row_values
from .item_vectors import sound_vectors, text_vectors
from .models import Aggregate, Event, ImportedPlay, Item, ModelVersion, UserFactor
from .previews import PreviewUnavailable, preview_score
from .profiles import paused_user_ids

log = logging.getLogger(__name__)


def model_dir() -> Path:
    base = Path(settings.MOTIF_MODEL_DIR) if settings.MOTIF_MODEL_DIR else Path(settings.DATA_DIR)
    path = base / "recommender"
    path.mkdir(parents=True, exist_ok=True)
    return path


def feature_matrix(term_rows, vocab=None):
    """CSR (rows x terms) from a list of Counters; builds the vocabulary unless one is given."""
    build = vocab is None
    vocab = {} if build else vocab
    rows, cols, vals = [], [], []
    for r, counts in enumerate(term_rows):
        for term, n in counts.items():
            col = vocab.get(term)
            if col is None:
                if not build:
                    continue
                col = vocab[term] = len(vocab)
            rows.append(r); cols.append(col); vals.append(n)
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(term_rows), max(len(vocab), 1)), dtype=np.float32)
    return m, vocab


def build_training_matrix():
    """(user_items CSR, item pks, item term Counters, site user ids per row or None for imported rows)."""
    items = list(Item.objects.order_by("id").values_list("id", "tags", "features"))
    item_ids = np.array([i[0] for i in items], dtype=np.int64)
    col = {pk: c for c, pk in enumerate(item_ids)}
    rows, cols, vals, row_users = [], [], [], []
    current, r = None, -1
    for listener, item_id, plays in ImportedPlay.objects.order_by("listener").values_list(
            "listener", "item_id", "plays").iterator(chunk_size=20000):
        if listener != current:
            current, r = listener, r + 1
            row_users.append(None)
        rows.append(r); cols.append(col[item_id]); vals.append(math.log1p(plays))
    paused = set(paused_user_ids())
    per_user = defaultdict(list)
    for user_id, item_id, kind, weight in Event.objects.values_list("user_id", "item_id", "kind", "weight"):
        if user_id not in paused:
            per_user[user_id].append((item_id, kind, weight))
    per_user_agg = defaultdict(list)
    for a in Aggregate.objects.values_list("user_id", "item_id", "weight", "dislikes", "not_interested"):
        if a[0] not in paused:
            per_user_agg[a[0]].append(a[1:])
    for user_id in sorted(set(per_user) | set(per_user_agg)):
        totals, _hidden = user_row_values(per_user[user_id], per_user_agg[user_id])
        positive = [(i, v) for i, v in totals.items() if v > 0 and i in col]
        if not positive:
            continue
        r += 1
        row_users.append(user_id)
        for i, v in positive:
            rows.append(r); cols.append(col[i]); vals.append(math.log1p(v))
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(r + 1, len(item_ids)), dtype=np.float32)
    matrix.sum_duplicates()
    return matrix, item_ids, [item_terms(t, f) for _pk, t, f in items], row_users


def item_content(item_ids: np.ndarray, tags: sp.csr_matrix, encode: bool = True) -> ItemContent:
    """The content of the catalogue's items in column order: tag counts, MiniLM text vectors and sound
    vectors (fingerprint + melody-VAE latent) of items whose notes have been indexed. With ``encode``
    false only vectors already stored are used (no model is loaded)."""
    rows = {pk: (title, tags_, features) for pk, title, tags_, features in
            Item.objects.values_list("id", "title", "tags", "features")}
    order = [int(pk) for pk in item_ids]
    text = text_vectors(model_dir(), [(pk, rows[pk][0], rows[pk][1]) for pk in order], encode)
    fingerprints = {pk: f["sound"] for pk, (_t, _g, f) in rows.items() if (f or {}).get("sound")}
    scores = {}
    if encode:
        for item in Item.objects.filter(id__in=list(fingerprints)).iterator():
            try:
                scores[item.pk] = preview_score(item)
            except PreviewUnavailable:
                log.info("Item %s has a fingerprint but no notes now; no VAE latent.", item.pk)
    sound = sound_vectors(model_dir(), scores, fingerprints, order, encode)
    return ItemContent(tags, text, sound)


def refresh_item_vectors() -> dict:
    """Compute and store the text and sound vectors of every catalogue item that lacks them (the
    models are loaded in this process). Returns how many items have each."""
    item_ids = np.array(list(Item.objects.order_by("id").values_list("id", flat=True)), dtype=np.int64)
    content = item_content(item_ids, sp.csr_matrix((len(item_ids), 1), dtype=np.float32))
    return {f"{block}_vectors": 0 if values is None else int((np.abs(values).sum(axis=1) > 0).sum())
            for block, values in (("text", content.text), ("sound", content.sound))}


def fit_artefact(components=None, tune=True, seed=0, encode=True) -> tuple[Artefact, dict, tuple]:
    """Fit a hybrid on the database's interactions. Returns (artefact, stats, (matrix, row users)).
    ``encode`` false: no text or VAE model is loaded (stored item vectors only), for the serving
    fallback."""
    matrix, item_ids, terms, row_users = build_training_matrix()
    features, vocab = feature_matrix(terms)
    if components is None or "content" in components:
        features = item_content(item_ids, features, encode)
    factories = default_components(seed=seed)
    if components:
        factories = {k: v for k, v in factories.items() if k in components}
    if matrix.nnz == 0:  # nothing played yet: content and popularity only
        factories = {k: v for k, v in factories.items() if k in ("content", "popularity")}
        tune = False
    weights = None if tune else {k: (0.3 if k == "popularity" else 1.0) for k in factories}
    model = Hybrid(factories, weights=weights, tune=tune, seed=seed)
    t0 = time.perf_counter()
    model.fit(matrix, features)
    stats = {"train_seconds": time.perf_counter() - t0, "n_users": matrix.shape[0],
             "n_items": matrix.shape[1], "n_interactions": int(matrix.nnz),
             "weights": model.weights, "validation_ndcg@10": getattr(model, "validation_ndcg", None)}
    return Artefact(model, item_ids, vocab, {"components": list(factories), "tune": tune}), stats, (matrix, row_users)


def train(components=None, tune=True, seed=0, activate=True) -> ModelVersion:
    """Train a new model version, store its artefact and (by default) swap it in atomically."""
    artefact, stats, (matrix, row_users) = fit_artefact(components, tune, seed)
    metrics = {"validation_ndcg@10": stats["validation_ndcg@10"], "weights": stats["weights"]}
    version = ModelVersion.objects.create(
        algorithm="hybrid", params=artefact.params, metrics=metrics, n_users=stats["n_users"],
        n_items=stats["n_items"], n_interactions=stats["n_interactions"], train_seconds=stats["train_seconds"],
        path="")
    final = save_artefact(artefact, model_dir() / f"model-{version.pk}{SUFFIX}")
    version.path = str(final)
    version.save(update_fields=["path"])
    _store_user_factors(version, artefact, matrix, row_users)
    if activate:
        activate_version(version)
    return version


def _store_user_factors(version, artefact, matrix, row_users):
    als = artefact.model.components.get("als") if hasattr(artefact.model, "components") else None
    site_rows = [(r, u) for r, u in enumerate(row_users) if u is not None]
    if als is None or not site_rows:
        return
    factors = als.fold_in(matrix[[r for r, _u in site_rows]])
    UserFactor.objects.bulk_create([UserFactor(user_id=u, version=version, vector=factors[k].round(5).tolist())
                                    for k, (_r, u) in enumerate(site_rows)])


def activate_version(version: ModelVersion) -> None:
    """Make ``version`` the one active version (one transaction: readers see the old or the new)."""
    with transaction.atomic():
        ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
