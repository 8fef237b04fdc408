"""Why an item is on a user's feed: one sentence per item."""
from __future__ import annotations

from collections import Counter, defaultdict

from django.core.cache import cache
from django.utils.translation import gettext as _

from .cards import Card
from .models import Event


class Reasons:
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
