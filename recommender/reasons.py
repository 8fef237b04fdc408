"""Why an item is on a user's feed: one sentence per item, naming what the user did.

For a user with history, each blend component k that is a sum over the history (item-kNN, EASE, ALS's
fold-in, content) splits an item's standardised score into per-history-item parts
w_k * contribution_kj / sd_k (see ``Recommender.contributions``). Parts are summed within a kind of
reason, and the single strongest (kind, history item) pair names the reason:

- item-kNN, EASE and RP3beta neighbours: "Because you liked <title>" (or "listened to" when it was only played);
- ALS: "Fans of <title> also play this";
- content: "Sounds like <title>" when the sound block (symbolic fingerprint and melody-VAE latent, see
  :mod:`recommender.item_vectors`) is the largest part of that history item's content contribution, or
  when the two items' fingerprints are close (see :mod:`recommender.sounds`), else "Matches your tags:
  ..." with the tags the item shares with that history item.

Without history, or when nothing in it supports the item, the reason falls back to the profile's tags,
the instrument, and popularity.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from django.core.cache import cache
from django.utils.translation import gettext as _

from .cards import Card
from .models import Event
from .privacy import INSTRUMENT_TOP_KEY
from .sounds import SOUNDS_LIKE_MIN

NEIGHBOURS, FANS, CONTENT = "neighbours", "fans", "content"
KIND_OF_COMPONENT = {"itemknn": NEIGHBOURS, "ease": NEIGHBOURS, "rp3beta": NEIGHBOURS, "als": FANS,
                     "content": CONTENT}


def strongest_contributions(model, row, scales: dict, cols: np.ndarray) -> list[tuple[str, int] | None]:
    """For each item column in ``cols``: (kind of reason, history column) of the strongest positive
    contribution to its blended score, or None when no history item supports it."""
    out: list[tuple[str, int] | None] = [None] * len(cols)
    inside = np.nonzero(cols < model.n_model)[0]
    if row is None or not row.nnz or not len(inside):
        return out
    parts = defaultdict(lambda: np.zeros((len(inside), row.nnz), dtype=np.float32))
    for name, sd in scales.items():
        kind, weight = KIND_OF_COMPONENT.get(name), model.hybrid.weights.get(name, 0.0)
        if kind and weight:
            parts[kind] += weight / sd * model.hybrid.components[name].contributions(row, cols[inside])
    if not parts:
        return out
    kinds = list(parts)
    stacked = np.stack([parts[k] for k in kinds])  # kinds x items x history
    for n, k in enumerate(inside):
        flat = int(np.argmax(stacked[:, n, :]))
        kind_index, history = divmod(flat, row.nnz)
        if stacked[kind_index, n, history] > 0:
            out[k] = (kinds[kind_index], int(row.indices[history]))
    return out


class Reasons:
    """The one-sentence reason of each item on a page."""

    def __init__(self, model, row, liked, profile, profile_terms, instrument_top, cards, scales=None):
        self.model, self.row, self.liked, self.profile = model, row, liked, profile
        self.profile_terms, self.instrument_top, self.cards = profile_terms, instrument_top, cards
        self.scales = scales or {}
        self._user_terms = None

    @property
    def user_terms(self) -> list[str]:
        if self._user_terms is None:
            self._user_terms = self.model.top_terms(self.row) if self.row is not None else []
        return self._user_terms

    def for_page(self, cards: list[Card], cols: np.ndarray) -> list[str]:
        """Reasons of the items ``cards`` at model columns ``cols``."""
        cols = np.asarray(cols, dtype=np.int64)
        strongest = strongest_contributions(self.model, self.row, self.scales, cols)
        return [self._sentence(card, col, best) for card, col, best in zip(cards, cols, strongest)]

    def _sentence(self, card: Card, col: int, best: tuple[str, int] | None) -> str:
        if best is not None:
            kind, history_col = best
            pk = int(self.model.item_ids[history_col])
            source = self.cards.get(pk)
            title = source.title if source is not None else "?"
            if kind == NEIGHBOURS:
                if pk in self.liked:
                    return _("Because you liked %(items)s") % {"items": title}
                return _("Because you listened to %(items)s") % {"items": title}
            if kind == FANS:
                return _("Fans of %(title)s also play this") % {"title": title}
            sounds_like = title if self._sound_is_strongest(col, history_col) else self._sounds_like(card)
            if sounds_like:
                return _("Sounds like %(title)s") % {"title": sounds_like}
            shared = [t for t in card.terms if source is not None and t in source.terms]
            if shared:
                return _("Matches your tags: %(tags)s") % {"tags": ", ".join(shared[:3])}
        return self._without_history(card)

    def _sound_is_strongest(self, col: int, history_col: int) -> bool:
        """Whether the sound block is the largest, positive part of the content contribution of the
        history item ``history_col`` to the item at ``col``."""
        content = self.model.content
        if content is None or not content.sound.shape[1] or col >= self.model.n_model:
            return False
        at = int(np.nonzero(self.row.indices == history_col)[0][0])
        parts = {block: float(values[0, at]) for block, values in
                 content.block_contributions(self.row, [col]).items()}
        return parts["sound"] > 0 and parts["sound"] == max(parts.values())

    def _sounds_like(self, card: Card) -> str | None:
        """The title of the history item whose fingerprint is nearest the card's, if near enough."""
        if card.sound is None or self.row is None:
            return None
        best, title = SOUNDS_LIKE_MIN, None
        for col in self.row.indices:
            source = self.cards.get(int(self.model.item_ids[col]))
            if source is not None and source.sound is not None and source.pk != card.pk:
                cosine = float(np.dot(card.sound, source.sound))
                if cosine >= best:
                    best, title = cosine, source.title
        return title

    def _without_history(self, card: Card) -> str:
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
    cached = cache.get(INSTRUMENT_TOP_KEY)
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
    cache.set(INSTRUMENT_TOP_KEY, result, 300)
    return result
