"""Forgetting a user: what the recommender keeps about someone outside their own rows.

Deleting an account cascades to its events, aggregates, learnt factors and published items in one
transaction; this module removes the rest at the same moment: every cached feed session, the user's
precomputed top-N (both computed from their history) and the cached per-instrument popularity their
events fed. Model
artefacts hold item-side arrays only (users are folded in when served), so no file needs rewriting.
"""
from __future__ import annotations

from django.core.cache import cache

INSTRUMENT_TOP_KEY = "recommender:instrument-top"
SESSION_TTL = 3600


def session_key(user_id: int, session: str) -> str:
    """Cache key of one feed session of a user."""
    return f"recommender:feed:{user_id}:{session}"


def ranking_key(user_id: int) -> str:
    """Cache key of a user's precomputed top-N (shared by their sessions and, with Redis, by every process)."""
    return f"recommender:ranking:{user_id}"


def _index_key(user_id: int) -> str:
    return f"recommender:feed-sessions:{user_id}"


def remember_session(user_id: int, session: str) -> None:
    """Record a new feed session of the user, so that :func:`forget_user` can find its cache entry."""
    sessions = cache.get(_index_key(user_id)) or []
    cache.set(_index_key(user_id), [*sessions[-49:], session], SESSION_TTL)


def forget_user(user_id: int) -> int:
    """Drop the user's cached feed sessions and the caches their events fed. Returns the sessions dropped."""
    sessions = cache.get(_index_key(user_id)) or []
    cache.delete_many([session_key(user_id, s) for s in sessions]
                      + [_index_key(user_id), ranking_key(user_id), INSTRUMENT_TOP_KEY])
    return len(sessions)
