"""Catalogue cards: what the feed shows of each item, kept in memory so that a page costs no query
for titles, creators or tags.

A :class:`Card` holds the fields a feed row renders and the terms its reason matches against. The
process's :data:`catalogue` is brought up to date from a stamp of the ``Item`` table (count, highest
id, last update, sum of ids) that ``serving.get_model`` reads every few seconds: changed rows are
fetched incrementally, and any deletion triggers a full reload.
"""
from __future__ import annotations

import sys
import threading
from collections import Counter
from typing import NamedTuple

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse

from .models import Item
from .previews import has_preview
from .tags import tag_label

FIELDS = ("id", "kind", "title", "creator", "tags", "features", "url")


def item_terms(item_tags, features) -> Counter:
    """Lower-case tag words of an item with their weights (tags count 1, feature tag counts as given)."""
    counts = Counter()
    tag_counts = (features or {}).get("tag_counts")
    if tag_counts:
        for tag, n in tag_counts.items():
            counts[str(tag).lower()] += float(n)
    for tag in item_tags or []:
        counts[str(tag).lower()] += 1.0
    return counts


class Card(NamedTuple):
    """A tuple of atoms, which the garbage collector stops tracking: tens of thousands of cards add no
    time to collections."""

    pk: int
    kind: str
    title: str
    creator: str
    tags: tuple
    url: str | None
    audio_url: str | None
    terms: tuple
    preview_url: str | None = None
    sound: tuple | None = None  # symbolic fingerprint (see recommender.sounds), for "Sounds like"

    def payload(self, reason: str | None = None, score: float | None = None) -> dict:
        """The item as the feed API and pages show it."""
        out = {"id": self.pk, "kind": self.kind, "title": self.title, "creator": self.creator,
               "tags": list(self.tags), "tag_labels": [tag_label(t) for t in self.tags], "url": self.url, "audio_url": self.audio_url,
               "preview_url": self.preview_url}
        if reason is not None:
            out["reason"] = reason
        if score is not None:
            out["score"] = round(score, 4)
        return out


def _card(pk, kind, title, creator, tags, features, url) -> Card:
    if kind == Item.KIND_SCORE:
        audio = reverse("recommender:item-midi", args=[pk])
    elif kind == Item.KIND_SKETCH:
        audio = (features or {}).get("audio_url") or None
    else:
        audio = None
    terms = tuple(sys.intern(t) for t in item_terms(tags, features))
    preview = reverse("recommender:item-preview", args=[pk]) if has_preview(kind) else None
    sound = (features or {}).get("sound")
    return Card(pk, kind, title, creator, tuple(str(t) for t in (tags or [])[:6]), url or None, audio, terms,
                preview, tuple(sound) if sound else None)


def card_of(item: Item) -> Card:
    """The card of one ``Item`` instance (fresh from the database, not from the cache)."""
    return _card(item.pk, item.kind, item.title, item.creator, item.tags, item.features, item.url)


def table_stamp() -> tuple:
    """(count, highest id, last update, sum of ids) of the catalogue: changes with every insert, update
    through ``save`` and delete."""
    s = Item.objects.aggregate(n=Count("id"), m=Max("id"), u=Max("updated_at"), s=Sum("id"))
    return s["n"], s["m"] or 0, s["u"], s["s"] or 0


class Catalogue:
    """The cards of every item, by primary key. ``cards`` is replaced, never mutated, so a reader
    holding it sees one consistent catalogue."""

    def __init__(self):
        self.cards: dict[int, Card] = {}
        self.stamp: tuple | None = None
        self._lock = threading.Lock()

    def refresh(self, stamp: tuple) -> None:
        """Bring the cards up to ``stamp`` (from :func:`table_stamp`)."""
        if stamp == self.stamp:
            return
        with self._lock:
            if stamp == self.stamp:
                return
            count, _max_id, _last, id_sum = stamp
            cards = None
            if self.stamp is not None and self.stamp[2] is not None:
                cards = dict(self.cards)
                changed = Item.objects.filter(Q(updated_at__gte=self.stamp[2]) | Q(id__gt=self.stamp[1]))
                for row in changed.values_list(*FIELDS):
                    cards[row[0]] = _card(*row)
                if len(cards) != count or sum(cards) != id_sum:  # something was deleted
                    cards = None
            if cards is None:
                cards = {row[0]: _card(*row) for row in Item.objects.values_list(*FIELDS).iterator(chunk_size=5000)}
            self.cards = cards
            self.stamp = stamp

    def reset(self) -> None:
        with self._lock:
            self.cards, self.stamp = {}, None


catalogue = Catalogue()
