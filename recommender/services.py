"""The recommender's business logic: training from the database, the feed with explanations, events,
similar items, retention and privacy. Views, API and tasks call these functions.

Serving: the active ``ModelVersion``'s artefact (item-side parameters only, no per-user data; plain arrays
and JSON, see :mod:`recommender.artefacts`) is loaded once per process and swapped in atomically when a
newer version becomes active. An artefact that cannot be read (an old pickled one included) is ignored
with a log line, and the feed is served as before the first training until the next one. A user's scores
are computed from their current events on every request (fold-in), so a like changes the next page at once.
"""
from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .algorithms.hybrid import Hybrid, default_components, standardise
from .artefacts import SUFFIX, Artefact, ArtefactError, load_artefact, save_artefact
from .cards import Card, catalogue, item_terms, table_stamp
from .models import Aggregate, Event, ImportedPlay, Item, ModelVersion, UserFactor

PAGE_SIZE = 20
MAX_PER_CREATOR = 2
CANDIDATES = 400
MAX_EVENTS_PER_POST = 1000
MAX_WEIGHT = 100.0
SESSION_TTL = 3600
VERSION_CHECK_SECONDS = 10.0
# Signed value of one event of each kind; dislike and "not interested" also hide the item.
KIND_VALUE = {Event.PLAY: 1.0, Event.COMPLETE: 2.0, Event.SKIP: -1.0, Event.LIKE: 5.0,
              Event.DISLIKE: -5.0, Event.NOT_INTERESTED: 0.0}
HIDING_KINDS = (Event.DISLIKE, Event.NOT_INTERESTED)
# Profile instruments and genres -> tag words used in the catalogue (cold start).
INSTRUMENT_TERMS = {
    "violin": ["violin", "fiddle", "strings", "classical"], "cello": ["cello", "strings", "classical"],
    "piano": ["piano", "classical", "keyboard"], "keyboards": ["keyboard", "synth", "electronic"],
    "guitar": ["guitar", "acoustic", "rock"], "bass": ["bass", "funk"], "drums": ["drums", "percussion"],
    "flute": ["flute", "folk", "celtic"], "clarinet": ["clarinet", "jazz"], "saxophone": ["saxophone", "jazz"],
    "trumpet": ["trumpet", "jazz"], "voice": ["vocal", "choral", "singer-songwriter"],
    "erhu": ["chinese", "erhu", "folk"], "guzheng": ["chinese", "guzheng", "folk"],
    "production": ["electronic", "ambient", "producer"],
}


log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------- artefact
def model_dir() -> Path:
    base = Path(settings.MOTIF_MODEL_DIR) if settings.MOTIF_MODEL_DIR else Path(settings.DATA_DIR)
    path = base / "recommender"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _feature_matrix(term_rows, vocab=None):
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


def _user_row_values(events, aggregates):
    """item pk -> signed total from events and aggregates; and the set of hidden item pks."""
    totals = defaultdict(float)
    hidden = set()
    for item_id, kind, weight in events:
        totals[item_id] += KIND_VALUE[kind] * weight
        if kind in HIDING_KINDS:
            hidden.add(item_id)
    for item_id, value, dislikes, not_interested in aggregates:
        totals[item_id] += value
        if dislikes or not_interested:
            hidden.add(item_id)
    return totals, hidden


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
    paused = set(_paused_user_ids())
    per_user = defaultdict(list)
    for user_id, item_id, kind, weight in Event.objects.values_list("user_id", "item_id", "kind", "weight"):
        if user_id not in paused:
            per_user[user_id].append((item_id, kind, weight))
    per_user_agg = defaultdict(list)
    for a in Aggregate.objects.values_list("user_id", "item_id", "weight", "dislikes", "not_interested"):
        if a[0] not in paused:
            per_user_agg[a[0]].append(a[1:])
    for user_id in sorted(set(per_user) | set(per_user_agg)):
        totals, _hidden = _user_row_values(per_user[user_id], per_user_agg[user_id])
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


def _paused_user_ids():
    from accounts.models import Profile

    return Profile.objects.filter(personalisation_paused=True).values_list("user_id", flat=True)


def fit_artefact(components=None, tune=True, seed=0) -> tuple[Artefact, dict, tuple]:
    """Fit a hybrid on the database's interactions. Returns (artefact, stats, (matrix, row users))."""
    matrix, item_ids, terms, row_users = build_training_matrix()
    features, vocab = _feature_matrix(terms)
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


# ------------------------------------------------------------------------------------ serving model
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
                     .order_by("id").values_list("id", "tags", "features"))
        self.item_ids = np.concatenate([artefact.item_ids, np.array([e[0] for e in extra], dtype=np.int64)])
        self.col = {int(pk): c for c, pk in enumerate(self.item_ids)}
        self.extra_features = None
        if content is not None and extra:
            counts, _ = _feature_matrix([item_terms(t, f) for _pk, t, f in extra], artefact.vocab)
            weighted = counts @ sp.diags(content.idf.astype(np.float32))
            norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
            inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
            self.extra_features = (sp.diags(inv.astype(np.float32)) @ weighted).tocsr()
        self.n_items = len(self.item_ids)
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
        """Blended scores for one user row, and the standardised component scores (for reasons)."""
        comps = self.hybrid.component_scores(row)
        blended = np.zeros(self.n_model, dtype=np.float32)
        for name, z in comps.items():
            blended += self.hybrid.weights[name] * z[0]
        extra = None
        content = self.content
        if content is not None and self.extra_features is not None:
            profile = content.profiles(row)[0]
            extra = self.hybrid.weights.get("content", 1.0) * self._content_extra(profile, content.score(row)[0])
        return self._extend(blended, extra), {k: v[0] for k, v in comps.items()}

    def term_scores(self, terms: list[str]) -> np.ndarray:
        """Content scores of every item for a bag of words (cold start), standardised."""
        content = self.content
        if content is None or not terms:
            return np.zeros(self.n_items, dtype=np.float32)
        q, _ = _feature_matrix([Counter(t.lower() for t in terms)], self.artefact.vocab)
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
    artefact, _stats, _ = fit_artefact(components=["content", "popularity"], tune=False)
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
        _serving["checked"] = time.monotonic()
        return _serving["model"]


def reset_serving_cache() -> None:
    _serving.update(model=None, checked=0.0)
    catalogue.reset()


# ----------------------------------------------------------------------------------------------- feed
def _profile(user):
    """The user's profile, created on first use (token authentication loads it with the user)."""
    from accounts.models import Profile

    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        return profile


def _profile_terms(profile) -> list[str]:
    terms = []
    for instrument in profile.instruments or []:
        terms += INSTRUMENT_TERMS.get(instrument, [instrument])
    terms += [g for g in profile.genres or []]
    return terms


def user_history(user):
    events = list(Event.objects.filter(user=user).order_by("id").values_list("item_id", "kind", "weight"))
    aggregates = list(Aggregate.objects.filter(user=user).order_by("id").values_list(
        "item_id", "weight", "dislikes", "not_interested"))
    totals, hidden = _user_row_values(events, aggregates)
    liked = {i for i, k, _w in events if k == Event.LIKE}
    return totals, hidden, liked, hash((tuple(events), tuple(aggregates)))


class _Reasons:
    """The one-sentence reason of each item on a page; computes what only some reasons need lazily."""

    def __init__(self, model, row, liked, profile, profile_terms, instrument_top, cards):
        self.model, self.row, self.liked, self.profile = model, row, liked, profile
        self.profile_terms, self.instrument_top, self.cards = profile_terms, instrument_top, cards
        self.history = dict(zip(row.indices.tolist(), row.data.tolist())) if row is not None else {}
        self._user_terms = None
        self._and = _(" and ")

    @property
    def user_terms(self) -> list[str]:
        if self._user_terms is None:
            self._user_terms = self.model.top_terms(self.row) if self.history else []
        return self._user_terms

    def _because(self, c: int) -> list[int]:
        """Up to two history items that most support item column ``c`` through item-kNN."""
        idx, sims = self.model.neighbours(c)
        sim = dict(zip(idx.tolist(), sims.tolist()))
        weights = [(sim[j] * v, j) for j, v in self.history.items() if j in sim]
        best = sorted(weights, key=lambda wj: -wj[0])
        return [int(self.model.item_ids[j]) for w, j in best if w > 0][:2]

    def __call__(self, card: Card, c: int, cf: float | None, content: float | None) -> str:
        """``cf`` and ``content`` are the item's weighted blend terms (None when it has none)."""
        if cf is not None and (content is None or cf >= content) and self.history:
            because = self._because(c)
            if because:
                names = self._and.join(self.cards[pk].title if pk in self.cards else "?" for pk in because)
                if any(pk in self.liked for pk in because):
                    return _("Because you liked %(items)s") % {"items": names}
                return _("Because you listened to %(items)s") % {"items": names}
        wanted = [t for t in self.profile_terms if t.lower() in card.terms]
        if not wanted:
            wanted = [t for t in self.user_terms if t in card.terms]
        if wanted:
            return _("Matches your tags: %(tags)s") % {"tags": ", ".join(list(dict.fromkeys(wanted))[:3])}
        for instrument in self.profile.instruments or []:
            if card.pk in self.instrument_top.get(instrument, ()):
                from accounts.models import INSTRUMENT_CHOICES

                label = str(dict(INSTRUMENT_CHOICES).get(instrument, instrument)).lower()
                return _("Popular with musicians who play %(instrument)s") % {"instrument": label}
        return _("Popular with listeners on Motif")


def instrument_popularity(limit=200) -> dict:
    """instrument -> set of the items most played or liked by site users who play it (cached 5 min)."""
    cached = cache.get("recommender:instrument-top")
    if cached is not None:
        return cached
    from accounts.models import Profile

    by_user = {p.user_id: p.instruments or [] for p in Profile.objects.only("user_id", "instruments")
               if p.instruments and not p.personalisation_paused}
    counts = defaultdict(Counter)
    for user_id, item_id, kind in Event.objects.filter(user_id__in=list(by_user),
                                                       kind__in=[Event.PLAY, Event.COMPLETE, Event.LIKE]
                                                       ).values_list("user_id", "item_id", "kind")[:200000]:
        for instrument in by_user[user_id]:
            counts[instrument][item_id] += 1
    result = {k: {i for i, _n in v.most_common(limit)} for k, v in counts.items()}
    cache.set("recommender:instrument-top", result, 300)
    return result


def _rank(model, row, hidden, profile_terms, paused, excluded) -> dict:
    """Score every item for one user; keep the best ``CANDIDATES`` (as arrays: item columns, blended
    scores, and the collaborative and content blend terms the reasons compare, NaN where absent)."""
    comps = {}
    if row.nnz:
        scores, comps = model.personal_scores(row)
        mode = "personal"
    elif paused:
        scores, mode = model.popularity_scores(), "popular"
    else:
        scores = model.term_scores(profile_terms) + 0.5 * model.popularity_scores()
        mode = "cold" if profile_terms else "popular"
    for item_id in hidden:  # dislikes push their neighbours down
        idx, sims = model.neighbours(model.col.get(int(item_id), model.n_items))
        scores[idx] -= 2.0 * sims
    s = scores.astype(np.float64)
    exclude_cols = [model.col[i] for i in excluded if i in model.col]
    if exclude_cols:
        s[exclude_cols] = -np.inf
    n_cand = min(CANDIDATES, int(np.isfinite(s).sum()))
    cand = np.argpartition(-s, n_cand - 1)[:n_cand] if n_cand > 0 else np.empty(0, dtype=np.int64)
    cand = cand[np.argsort(-s[cand], kind="stable")]
    ranking = {"cols": cand.astype(np.int32), "scores": s[cand].astype(np.float32), "mode": mode,
               "cf": None, "content": None}
    if comps:
        inside = cand < model.n_model
        weights = model.hybrid.weights
        cf = np.full(len(cand), np.nan, dtype=np.float32)
        cf[inside] = sum(weights.get(k, 0) * comps[k][cand[inside]] for k in ("ease", "itemknn", "als") if k in comps)
        ranking["cf"] = cf
        if "content" in comps:
            content = np.full(len(cand), np.nan, dtype=np.float32)
            content[inside] = weights.get("content", 0) * comps["content"][cand[inside]]
            ranking["content"] = content
    return ranking


def _without(ranking: dict, keep: np.ndarray) -> dict:
    """The ranking restricted to the candidates where ``keep`` is true."""
    return {k: v[keep] if isinstance(v, np.ndarray) else v for k, v in ranking.items()}


def _blend_term(values, k: int) -> float | None:
    if values is None or np.isnan(values[k]):
        return None
    return float(values[k])


def feed_page(user, session: str | None = None, page_size: int = PAGE_SIZE) -> dict:
    """The next page of ``user``'s feed. ``session`` (from the previous page) keeps pages disjoint.

    The ranking of a session is cached with a stamp of everything it depends on (model version, catalogue,
    the user's events, profile); any new event changes the stamp, so the next page is re-ranked with it.
    Titles, creators and tags come from the in-memory catalogue cards, so a page reads only the user's
    own rows from the database.
    """
    model = get_model()
    if not session or len(session) > 64:
        session = secrets.token_urlsafe(12)
    key = f"recommender:feed:{user.pk}:{session}"
    state = cache.get(key) or {"shown": [], "page": 0}
    if model is None:
        return {"session": session, "page": state["page"] + 1, "results": [], "personalised": False}
    profile = _profile(user)
    paused = profile.personalisation_paused
    totals, hidden, liked, history_stamp = ({}, set(), set(), 0) if paused else user_history(user)
    if paused:  # hide what the user asked to hide, learn nothing else
        hidden = set(Event.objects.filter(user=user, kind__in=HIDING_KINDS).values_list("item_id", flat=True))
        history_stamp = hash(tuple(sorted(hidden)))
    profile_terms = _profile_terms(profile)
    row = model.row(totals)
    stamp = [model.version_id, model.catalogue_max_id, paused, profile.updated_at.isoformat(), history_stamp]
    excluded = set(state["shown"]) | hidden | {i for i, v in totals.items() if v > 0}
    ranking = state.get("ranking")
    if ranking is not None:
        if ranking["stamp"] != stamp:
            ranking = None
        else:
            shown = np.fromiter(excluded, dtype=np.int64, count=len(excluded))
            keep = ~np.isin(model.item_ids[ranking["cols"]], shown)
            ranking = _without(ranking, keep) if keep.sum() >= page_size * 2 else None
    if ranking is None:
        ranking = dict(_rank(model, row, hidden, profile_terms, paused, excluded), stamp=stamp)
    personalised = ranking["mode"] == "personal"
    cards = catalogue.cards
    chosen, per_creator = [], Counter()
    for k in range(min(len(ranking["cols"]), page_size * 6)):
        card = cards.get(int(model.item_ids[ranking["cols"][k]]))
        if card is None:
            continue
        creator = card.creator.lower()
        if creator and per_creator[creator] >= MAX_PER_CREATOR:
            continue
        per_creator[creator] += 1
        chosen.append((k, card))
        if len(chosen) == page_size:
            break
    instrument_top = instrument_popularity() if (profile.instruments and not personalised) else {}
    reason = _Reasons(model, row if row.nnz else None, liked, profile, [] if paused else profile_terms,
                      instrument_top, cards)
    results = [card.payload(reason=reason(card, int(ranking["cols"][k]), _blend_term(ranking["cf"], k),
                                          _blend_term(ranking["content"], k)),
                            score=float(ranking["scores"][k]))
               for k, card in chosen]
    state["shown"] = state["shown"] + [r["id"] for r in results]
    state["page"] += 1
    state["ranking"] = ranking
    cache.set(key, state, SESSION_TTL)
    return {"session": session, "page": state["page"], "results": results, "personalised": personalised}


def similar_items(item: Item, n: int = 10) -> list[dict]:
    """Cards of the ``n`` items most similar to ``item``, with their similarity as ``score``."""
    model = get_model()
    if model is None:
        return []
    cards = catalogue.cards
    return [cards[pk].payload(score=s) for pk, s in model.similar(item.pk, n) if pk in cards]


# --------------------------------------------------------------------------------------------- events
def validate_events(user, rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Check a batch: returns (clean rows, errors). ``errors`` lists ``{"index", "errors"}`` per bad row.

    Rows have ``item`` (id), ``kind``, optional ``weight`` (0-100, default 1) and ``timestamp`` (aware
    datetime, not in the future; default now). Duplicates inside the batch or of stored events are errors.
    """
    now = timezone.now()
    item_ids = {r.get("item") for r in rows if isinstance(r.get("item"), int)}
    known = set(Item.objects.filter(pk__in=item_ids).values_list("id", flat=True))
    stamps = [r.get("timestamp") or now for r in rows]
    stored = set()
    if known:
        stored = set(Event.objects.filter(user=user, item_id__in=known, timestamp__gte=min(stamps),
                                          timestamp__lte=max(stamps))
                     .values_list("item_id", "kind", "timestamp"))
    seen = set()
    clean, errors = [], []
    for index, (r, ts) in enumerate(zip(rows, stamps)):
        problems = {}
        if r.get("item") not in known:
            problems["item"] = [_("Unknown item.")]
        weight = r.get("weight", 1.0)
        if weight is None or not (0.0 <= float(weight) <= MAX_WEIGHT) or math.isnan(float(weight)):
            problems["weight"] = [_("Weight must be between 0 and %(max)s.") % {"max": int(MAX_WEIGHT)}]
        if ts > now + timedelta(minutes=5):
            problems["timestamp"] = [_("Timestamp is in the future.")]
        key = (r.get("item"), r.get("kind"), ts)
        if key in seen:
            problems.setdefault("non_field_errors", []).append(_("Duplicate of an earlier event in this batch."))
        elif key in stored:
            problems.setdefault("non_field_errors", []).append(_("This event was already recorded."))
        seen.add(key)
        if problems:
            errors.append({"index": index, "errors": problems})
        else:
            clean.append({"item": r["item"], "kind": r["kind"], "weight": float(weight), "timestamp": ts})
    return clean, errors


def record_events(user, clean_rows: list[dict]) -> int:
    """Store validated events in one transaction (all or nothing). Nothing is stored while paused."""
    if _profile(user).personalisation_paused:
        # an explicit "hide this" is still honoured
        clean_rows = [r for r in clean_rows if r["kind"] in HIDING_KINDS]
    with transaction.atomic():
        Event.objects.bulk_create([Event(user=user, item_id=r["item"], kind=r["kind"], weight=r["weight"],
                                         timestamp=r["timestamp"]) for r in clean_rows])
    return len(clean_rows)


# ------------------------------------------------------------------------------- retention and privacy
def fold_old_events(days: int | None = None) -> dict:
    """Fold raw events older than ``days`` (MOTIF_EVENT_RETENTION_DAYS) into aggregates and delete them."""
    days = settings.MOTIF_EVENT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    field_of = {Event.PLAY: "plays", Event.COMPLETE: "completes", Event.SKIP: "skips", Event.LIKE: "likes",
                Event.DISLIKE: "dislikes", Event.NOT_INTERESTED: "not_interested"}
    folded = 0
    with transaction.atomic():
        old = Event.objects.select_for_update().filter(timestamp__lt=cutoff)
        groups = defaultdict(list)
        for e in old.values_list("user_id", "item_id", "kind", "weight", "timestamp"):
            groups[(e[0], e[1])].append(e[2:])
        for (user_id, item_id), events in groups.items():
            agg, _ = Aggregate.objects.get_or_create(user_id=user_id, item_id=item_id)
            for kind, weight, ts in events:
                setattr(agg, field_of[kind], getattr(agg, field_of[kind]) + 1)
                agg.weight += KIND_VALUE[kind] * weight
                agg.last_at = max(agg.last_at, ts) if agg.last_at else ts
            agg.save()
            folded += len(events)
        old.delete()
    return {"folded": folded, "aggregates": len(groups), "cutoff": cutoff.isoformat()}


def onboard(user, instruments, genres, item_ids) -> int:
    """Save the profile picks of a new user and like the items they chose."""
    profile = _profile(user)
    profile.instruments = list(instruments)
    profile.genres = list(genres)
    profile.save(update_fields=["instruments", "genres", "updated_at"])
    now = timezone.now()
    rows = [{"item": i, "kind": Event.LIKE, "weight": 1.0, "timestamp": now} for i in item_ids]
    clean, _errors = validate_events(user, rows)
    return record_events(user, clean)


def onboarding_choices(n=24) -> list[Item]:
    """Well-known items for a new user to pick from: the most listened, a few of each kind."""
    imported = list(Item.objects.filter(kind=Item.KIND_IMPORTED).order_by("-listeners", "id")[: n - 8])
    others = list(Item.objects.exclude(kind=Item.KIND_IMPORTED).order_by("-listeners", "id")[: n - len(imported)])
    return imported + others


def upsert_sketch(sketch) -> Item:
    """Create or update the catalogue item of a published sketch (studio's ``sketch_published`` signal).

    Content features: the sketch's tags, plus its key, generating model and texture as words, so that it
    can be recommended from content before anyone has played it.
    """
    from django.urls import NoReverseMatch, reverse

    owner = getattr(sketch, "owner", None)
    creator = ""
    if owner is not None:
        profile = getattr(owner, "profile", None)
        creator = getattr(profile, "name", None) or owner.get_username()
    tags = [str(t) for t in (getattr(sketch, "tags", None) or [])]
    words = [w.strip(".,;:!?()").lower() for w in str(getattr(sketch, "notes", "") or "").split() if len(w) > 3]
    extra = [f"key {getattr(sketch, 'key', '')}".strip(), str(getattr(sketch, "model", "") or ""),
             "four-part" if (getattr(sketch, "voice_count", 1) or 1) > 1 else "melody", "sketch"]
    counts = {w: 0.5 for w in words[:40]}
    counts.update({w.lower(): 1.0 for w in extra if w and w != "key"})
    counts.update({t.lower(): 2.0 for t in tags})
    if hasattr(sketch, "get_absolute_url"):
        url = sketch.get_absolute_url()
    else:
        try:
            url = reverse("studio:edit", args=[sketch.pk])
        except NoReverseMatch:
            url = ""
    item, _created = Item.objects.update_or_create(
        source="studio", external_id=str(sketch.pk),
        defaults={"kind": Item.KIND_SKETCH, "title": getattr(sketch, "title", "") or _("Untitled sketch"),
                  "creator": creator, "tags": tags, "features": {"tag_counts": counts}, "owner": owner,
                  "url": url})
    return item


def remove_sketch(sketch_id) -> int:
    """Drop an unpublished or deleted sketch from the catalogue (its events go with it)."""
    deleted, _detail = Item.objects.filter(source="studio", external_id=str(sketch_id)).delete()
    return deleted
