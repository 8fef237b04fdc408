"""Listening events: their signed values, validation and storage of a batch, a user's history as
totals per item, and the folding of old events into aggregates (retention)."""
from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Aggregate, Event, Item
from .profiles import profile_of

MAX_EVENTS_PER_POST = 1000
MAX_WEIGHT = 100.0
# Signed value of one event of each kind; dislike and "not interested" also hide the item.
KIND_VALUE = {Event.PLAY: 1.0, Event.COMPLETE: 2.0, Event.SKIP: -1.0, Event.LIKE: 5.0,
              Event.DISLIKE: -5.0, Event.NOT_INTERESTED: 0.0}
HIDING_KINDS = (Event.DISLIKE, Event.NOT_INTERESTED)


def user_row_values(events, aggregates):
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


def user_history(user):
    """(item pk -> signed total, hidden item pks, liked item pks, a digest of the rows read) for ``user``."""
    events = list(Event.objects.filter(user=user).order_by("id").values_list("item_id", "kind", "weight"))
    aggregates = list(Aggregate.objects.filter(user=user).order_by("id").values_list(
        "item_id", "weight", "dislikes", "not_interested"))
    totals, hidden = user_row_values(events, aggregates)
    liked = {i for i, k, _w in events if k == Event.LIKE}
    return totals, hidden, liked, stable_digest((events, aggregates))


def stable_digest(value) -> str:
    """A digest of ``value`` (built from numbers and strings) that is the same in every process (Python's
    ``hash`` of a string is not), so that web processes can share what they cache under it."""
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()


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
    if profile_of(user).personalisation_paused:
        # an explicit "hide this" is still honoured
        clean_rows = [r for r in clean_rows if r["kind"] in HIDING_KINDS]
    with transaction.atomic():
        Event.objects.bulk_create([Event(user=user, item_id=r["item"], kind=r["kind"], weight=r["weight"],
                                         timestamp=r["timestamp"]) for r in clean_rows])
    return len(clean_rows)


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
