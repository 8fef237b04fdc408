"""The feed: rank every item for one user, fill a page (the promised count, no title twice, a creator cap
that gives way when short, a slot for a fresh sketch, no repeats across a session's pages) with a reason
per item, and similar items."""
from __future__ import annotations

import secrets
from collections import Counter

import numpy as np
from django.core.cache import cache

from .cards import catalogue
from .events import HIDING_KINDS, stable_digest, user_history
from .models import Event, Item
from .privacy import SESSION_TTL, ranking_key, remember_session, session_key
from .profiles import profile_of, profile_terms
from .reasons import Reasons, instrument_popularity
from .serving import get_model

PAGE_SIZE = 20
MAX_PER_CREATOR = 2
CANDIDATES = 400
# Position (0-based) on every page kept for the best-matching sketch published since the last training,
# which no one's plays support yet; used only for a sketch that shares content with the user's taste.
FRESH_SLOT = 4
# A profile's words count as much as the history when it holds this many items, half as much at twice that.
PROFILE_HISTORY = 5
RANKING_FORMAT = 2  # part of a cached ranking's stamp: a ranking cached by an older release is recomputed


def _rank(model, row, hidden, profile_terms, paused, excluded) -> dict:
    """Score every item for one user; keep the best ``CANDIDATES`` (item columns and blended scores),
    the fresh sketches that match the user (see ``FRESH_SLOT``), and each component's scale for reasons."""
    scales = {}
    if row.nnz:
        scores, scales = model.personal_scores(row)
        mode = "personal"
        if profile_terms:  # the genres and instruments chosen weigh less as history grows
            scores = scores + PROFILE_HISTORY / (PROFILE_HISTORY + row.nnz) * model.term_scores(profile_terms)
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
    fresh = model.fresh_matches(row, [] if paused else profile_terms)
    fresh = fresh[np.isfinite(s[fresh])]
    fresh = fresh[np.argsort(-s[fresh], kind="stable")]
    return {"cols": cand.astype(np.int32), "scores": s[cand].astype(np.float32), "mode": mode,
            "fresh": fresh.astype(np.int32), "fresh_scores": s[fresh].astype(np.float32), "scales": scales}


def _without(ranking: dict, shown: np.ndarray, item_ids: np.ndarray) -> dict:
    """The ranking without the items in ``shown`` (item pks)."""
    out = dict(ranking)
    for cols, scores in (("cols", "scores"), ("fresh", "fresh_scores")):
        keep = ~np.isin(item_ids[ranking[cols]], shown)
        out[cols], out[scores] = ranking[cols][keep], ranking[scores][keep]
    return out


def fill_page(candidates: list, page_size: int, fresh: list = ()) -> list:
    """Choose a page from ``candidates`` (cards, best first): no title twice, at most ``MAX_PER_CREATOR``
    items of one creator while the candidates allow it (the cap is relaxed, in rank order, when they run
    short of ``page_size``), and the first usable card of ``fresh`` at ``FRESH_SLOT``.
    Returns (index in candidates, or None for a fresh card; card) pairs."""
    titles = set()
    fresh_pick = None
    for card in fresh:
        if card is not None:
            fresh_pick = card
            titles.add(card.title.casefold())
            break
    room = page_size - (fresh_pick is not None)
    chosen, per_creator, capped = [], Counter(), []
    for k, card in enumerate(candidates):
        if len(chosen) == room:
            break
        if card is None or card.title.casefold() in titles or (fresh_pick is not None and card.pk == fresh_pick.pk):
            continue
        creator = card.creator.lower()
        if creator and per_creator[creator] >= MAX_PER_CREATOR:
            capped.append((k, card))
            continue
        per_creator[creator] += 1
        titles.add(card.title.casefold())
        chosen.append((k, card))
    for k, card in capped:
        if len(chosen) == room:
            break
        if card.title.casefold() not in titles:
            titles.add(card.title.casefold())
            chosen.append((k, card))
    chosen.sort(key=lambda kc: kc[0])
    if fresh_pick is not None:
        chosen.insert(min(FRESH_SLOT, len(chosen)), (None, fresh_pick))
    return chosen


def feed_page(user, session: str | None = None, page_size: int = PAGE_SIZE) -> dict:
    """The next page of ``user``'s feed. ``session`` (from the previous page) keeps pages disjoint.

    A ranking is cached with a stamp of everything it depends on (model version, catalogue, the user's
    events, profile); any new event changes the stamp, so the next page is re-ranked with it. The user's
    top-N (``CANDIDATES``) is cached per user and shared by their sessions; a session that has used it up
    keeps its own, ranked without the items it showed.
    Titles, creators and tags come from the in-memory catalogue cards, so a page reads only the user's
    own rows from the database.
    """
    model = get_model()
    key = session_key(user.pk, session) if session and len(session) <= 64 else None
    state = cache.get(key) if key else None
    if state is None:
        session = session if key else secrets.token_urlsafe(12)
        key = session_key(user.pk, session)
        state = {"shown": [], "page": 0}
        remember_session(user.pk, session)
    if model is None:
        return {"session": session, "page": state["page"] + 1, "results": [], "personalised": False}
    profile = profile_of(user)
    paused = profile.personalisation_paused
    totals, hidden, liked, history_stamp = ({}, set(), set(), 0) if paused else user_history(user)
    if paused:  # hide what the user asked to hide, learn nothing else
        hidden = set(Event.objects.filter(user=user, kind__in=HIDING_KINDS).values_list("item_id", flat=True))
        history_stamp = stable_digest(sorted(hidden))
    terms = profile_terms(profile)
    row = model.row(totals)
    stamp = [RANKING_FORMAT, model.version_id, model.catalogue_max_id, paused, profile.updated_at.isoformat(),
             history_stamp]
    excluded = set(state["shown"]) | hidden | {i for i, v in totals.items() if v > 0}
    ranking = state.get("ranking") or cache.get(ranking_key(user.pk))
    if ranking is not None:
        if ranking["stamp"] != stamp:
            ranking = None
        else:
            ranking = _without(ranking, np.fromiter(excluded, dtype=np.int64, count=len(excluded)), model.item_ids)
            if len(ranking["cols"]) < page_size * 2:
                ranking = None
    if ranking is None:
        ranking = dict(_rank(model, row, hidden, terms, paused, excluded), stamp=stamp)
        if state["shown"]:  # ranked without this session's items: it belongs to the session
            state["ranking"] = ranking
        else:  # the user's top-N, which any session (in any process, with Redis) starts from
            state.pop("ranking", None)
            cache.set(ranking_key(user.pk), ranking, SESSION_TTL)
    personalised = ranking["mode"] == "personal"
    cards = catalogue.cards
    candidates = [cards.get(int(pk)) for pk in model.item_ids[ranking["cols"]]]
    fresh = [cards.get(int(pk)) for pk in model.item_ids[ranking["fresh"][:3]]]
    chosen = fill_page(candidates, page_size, fresh)
    instrument_top = instrument_popularity() if (profile.instruments and not personalised) else {}
    reasons = Reasons(model, row if row.nnz else None, liked, profile, [] if paused else terms,
                      instrument_top, cards, ranking["scales"])
    cols = [model.col[card.pk] for _k, card in chosen]
    sentences = reasons.for_page([card for _k, card in chosen], np.array(cols, dtype=np.int64))
    fresh_score = dict(zip(ranking["fresh"].tolist(), ranking["fresh_scores"].tolist()))
    results = [card.payload(reason=sentence,
                            score=float(ranking["scores"][k]) if k is not None else fresh_score[c])
               for (k, card), c, sentence in zip(chosen, cols, sentences)]
    state["shown"] = state["shown"] + [r["id"] for r in results]
    state["page"] += 1
    cache.set(key, state, SESSION_TTL)
    return {"session": session, "page": state["page"], "results": results, "personalised": personalised}


def similar_items(item: Item, n: int = 10) -> list[dict]:
    """Cards of the ``n`` items most similar to ``item``, with their similarity as ``score``."""
    model = get_model()
    if model is None:
        return []
    cards = catalogue.cards
    return [cards[pk].payload(score=s) for pk, s in model.similar(item.pk, n) if pk in cards]
