"""Onboarding: the slates of items a new user picks from (per chosen genre and instrument), and saving
their picks."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .cards import catalogue, table_stamp
from .events import record_events, validate_events
from .models import Event, Item
from .profiles import INSTRUMENT_TERMS, profile_of

SLATE_SIZE = 6
# Genre -> the tag words of its slate, where the genre's own name is not enough.
GENRE_TERMS = {"hip-hop": ["hip-hop", "hip hop", "rap"], "world": ["world", "world music"],
               "soundtrack": ["soundtrack", "film score"], "electronic": ["electronic", "electronica"]}


def onboard(user, instruments, genres, item_ids) -> int:
    """Save the profile picks of a new user and like the items they chose."""
    profile = profile_of(user)
    profile.instruments = list(instruments)
    profile.genres = list(genres)
    profile.save(update_fields=["instruments", "genres", "updated_at"])
    now = timezone.now()
    rows = [{"item": i, "kind": Event.LIKE, "weight": 1.0, "timestamp": now} for i in item_ids]
    clean, _errors = validate_events(user, rows)
    return record_events(user, clean)


def slate_terms(choice: str) -> list[str]:
    """The tag words an item needs to belong to the slate of a genre or instrument."""
    from accounts.models import GENRE_CHOICES

    if choice in INSTRUMENT_TERMS:  # the instrument and its next word unless that is a genre ("fiddle", not "folk")
        genres = {key for key, _label in GENRE_CHOICES}
        return [choice] + [t for t in INSTRUMENT_TERMS[choice][1:2] if t not in genres]
    return GENRE_TERMS.get(choice, [choice])


def _varied(pks: list[int], cards: dict, taken: set, n: int) -> list[int]:
    """Up to ``n`` of ``pks`` (most listened first): one per creator and per title, none already taken."""
    out, creators, titles = [], set(), set()
    for pk in pks:
        card = cards[pk]
        creator, title = card.creator.casefold(), card.title.split(":")[0].casefold()
        if pk in taken or creator in creators or title in titles:
            continue
        out.append(pk)
        creators.add(creator)
        titles.add(title)
        if len(out) == n:
            break
    return out


def onboarding_slates(instruments=(), genres=(), per_slate: int = SLATE_SIZE, general: int = 12) -> list:
    """What a new user picks from: one slate per chosen genre and instrument (items with its tags, popular
    but varied: one per creator and title), then a slate of the most listened. ``[(label, [Item])]``."""
    from accounts.models import GENRE_CHOICES, INSTRUMENT_CHOICES

    catalogue.refresh(table_stamp())
    cards = catalogue.cards
    listeners = dict(Item.objects.values_list("id", "listeners"))
    by_popularity = sorted(cards, key=lambda pk: (-listeners.get(pk, 0), pk))
    labels = dict(GENRE_CHOICES) | dict(INSTRUMENT_CHOICES)
    slates, taken = [], set()
    for choice in [*genres, *instruments]:
        terms = set(slate_terms(choice))
        matching = [pk for pk in by_popularity if terms.intersection(cards[pk].terms)]
        picked = _varied(matching, cards, taken, per_slate)
        if picked:
            slates.append((labels.get(choice, choice), picked))
            taken.update(picked)
    slates.append((_("Most listened"), _varied(by_popularity, cards, taken, general)))
    items = Item.objects.in_bulk([pk for _label, pks in slates for pk in pks])
    return [(label, [items[pk] for pk in pks if pk in items]) for label, pks in slates if pks]
