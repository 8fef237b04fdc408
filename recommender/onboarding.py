"""Onboarding: the items a new user picks from, and saving their picks."""
from __future__ import annotations

from django.utils import timezone

from .events import record_events, validate_events
from .models import Event, Item
from .profiles import profile_of


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


def onboarding_choices(n=24) -> list[Item]:
    """Well-known items for a new user to pick from: the most listened, a few of each kind."""
    imported = list(Item.objects.filter(kind=Item.KIND_IMPORTED).order_by("-listeners", "id")[: n - 8])
    others = list(Item.objects.exclude(kind=Item.KIND_IMPORTED).order_by("-listeners", "id")[: n - len(imported)])
    return imported + others
