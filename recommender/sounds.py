"""What items sound like: the symbolic fingerprint (``algorithms.symbolic.sound_vector``) of items that
have notes, kept in ``Item.features["sound"]`` for the "Sounds like <title>" reasons.

A published sketch gets it when it is published; corpus scores when their preview is first made, or all
at once with ``manage.py index_sounds``.
"""
from __future__ import annotations

from django.utils import timezone

from studio.music.score import Note

from .algorithms.symbolic import sound_vector
from .models import Item

SOUNDS_LIKE_MIN = 0.6  # cosine of two fingerprints above which a reason says "Sounds like"


def voices_of(score: dict) -> list[list]:
    """The notes of a studio score dict as voices (lists of notes, by voice number)."""
    voices = {}
    for n in score.get("notes") or []:
        voices.setdefault(int(n.get("voice", 0)), []).append(
            Note(int(n["pitch"]), int(n["start"]), max(1, int(n["duration"])), int(n.get("velocity", 90)),
                 int(n.get("voice", 0))))
    return [voices[k] for k in sorted(voices)]


def fingerprint(score: dict) -> list[float] | None:
    """The fingerprint of a studio score dict (rounded for JSON), or None without notes."""
    voices = voices_of(score)
    if not voices:
        return None
    return [round(float(v), 4) for v in sound_vector(voices)]


def store_fingerprint(item: Item, score: dict) -> None:
    """Save ``item``'s fingerprint from its notes (the catalogue cards pick it up at their next refresh)."""
    vector = fingerprint(score)
    if vector is not None and item.features.get("sound") != vector:
        features = dict(item.features, sound=vector)
        Item.objects.filter(pk=item.pk).update(features=features, updated_at=timezone.now())
        item.features = features
