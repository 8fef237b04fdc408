"""MIDI of corpus scores, rendered on first request and cached under MEDIA_ROOT (one file per item)."""
from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from motif.files import DiskFull, replacing

from .models import Item

logger = logging.getLogger(__name__)
CACHE_DIR = "recommender/midi"


class ScoreUnavailable(Exception):
    """The item's corpus score cannot be parsed."""


def cache_name(item_pk: int) -> str:
    """The cached file of an item, relative to MEDIA_ROOT."""
    return f"{CACHE_DIR}/{item_pk}.mid"


def render(item) -> bytes:
    """The item's corpus score as MIDI bytes; raises ScoreUnavailable."""
    from music21 import corpus, midi

    path = item.features.get("corpus_path")
    number = item.features.get("number")
    try:
        score = corpus.parse(path, number=number) if number else corpus.parse(path)
    except Exception:
        raise ScoreUnavailable(path) from None
    return midi.translate.music21ObjectToMidiFile(score).writestr()


def midi_bytes(item) -> bytes:
    """The cached MIDI of ``item``, rendered and cached (atomically) on first use. Two first requests
    at once each write their own temporary file; the cache is best effort, so a full disk still
    serves the rendered bytes."""
    target = Path(settings.MEDIA_ROOT) / cache_name(item.pk)
    if target.is_file():
        return target.read_bytes()
    data = render(item)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with replacing(target) as temp:
            temp.write_bytes(data)
    except (OSError, DiskFull):
        logger.warning("Could not cache the MIDI of item %s", item.pk, exc_info=True)
    return data


def referenced_names() -> set[str]:
    """The cache files that belong to an existing score item (the media sweep keeps these)."""
    return {cache_name(pk) for pk in Item.objects.filter(kind=Item.KIND_SCORE).values_list("pk", flat=True)}
