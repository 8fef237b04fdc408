"""The feed: rank every item for one user, fill a page (a creator cap, no repeats across a session's
pages) with a reason per item, and similar items."""
from __future__ import annotations

import secrets
from collections import Counter

import numpy as np
from django.core.cache import cache

from .cards import catalogue
from .events import HIDING_KINDS, user_history
from .models import Event, Item
from .profiles import profile_of, profile_terms
from .reasons import Reasons, instrument_popularity
from .serving import get_model

PAGE_SIZE = 20
MAX_PER_CREATOR = 2
CANDIDATES = 400
SESSION_TTL = 3600


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
    profile = profile_of(user)
    paused = profile.personalisation_paused
    totals, hidden, liked, history_stamp = ({}, set(), set(), 0) if paused else user_history(user)
    if paused:  # hide what the user asked to hide, learn nothing else
        hidden = set(Event.objects.filter(user=user, kind__in=HIDING_KINDS).values_list("item_id", flat=True))
        history_stamp = hash(tuple(sorted(hidden)))
    terms = profile_terms(profile)
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
        ranking = dict(_rank(model, row, hidden, terms, paused, excluded), stamp=stamp)
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
    reason = Reasons(model, row if row.nnz else None, liked, profile, [] if paused else terms,
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
