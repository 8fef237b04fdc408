"""Previews the feed plays in the page: an item's notes in the studio's score format
(``studio.music.score.Score.to_dict()``), which the studio's SoundFont player sounds.

A published sketch is its own score; a corpus score is parsed once with music21, read back through the
studio's MIDI reader (at most ``studio.music.io.MAX_BARS`` bars) and kept as JSON beside the MIDI files;
its symbolic fingerprint is stored on the item at the same time (:mod:`recommender.sounds`).
Imported artists have no notes, hence no preview.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from django.conf import settings

from .models import Item
from .sounds import store_fingerprint

log = logging.getLogger(__name__)


class PreviewUnavailable(Exception):
    """The item has no notes the page can play."""


def has_preview(kind: str) -> bool:
    """Whether items of ``kind`` can have a preview."""
    return kind in (Item.KIND_SCORE, Item.KIND_SKETCH)


def preview_score(item: Item) -> dict:
    """The notes of ``item`` as a studio score dict; raises :class:`PreviewUnavailable`."""
    if item.kind == Item.KIND_SKETCH and item.source == "studio":
        return _sketch_score(item.external_id)
    if item.kind == Item.KIND_SCORE:
        return _corpus_score(item)
    raise PreviewUnavailable(item.pk)


def _sketch_score(sketch_id: str) -> dict:
    from studio.models import Sketch

    if not sketch_id.isdigit():
        raise PreviewUnavailable(sketch_id)
    score = Sketch.objects.filter(pk=int(sketch_id), is_public=True).values_list("score", flat=True).first()
    if not score:
        raise PreviewUnavailable(sketch_id)
    return score


def _corpus_score(item: Item) -> dict:
    folder = Path(settings.MEDIA_ROOT) / "recommender" / "preview"
    target = folder / f"{item.pk}.json"
    if target.exists():
        data = json.loads(target.read_text())
        store_fingerprint(item, data)
        return data
    from music21 import corpus
    from music21.midi.translate import streamToMidiFile

    from studio.music.io import load_score

    path, number = item.features.get("corpus_path"), item.features.get("number")
    if not path:
        raise PreviewUnavailable(item.pk)
    try:
        score = corpus.parse(path, number=number) if number else corpus.parse(path)
        sketch = load_score(streamToMidiFile(score).writestr(), "preview.mid")
    except Exception as exc:  # noqa: BLE001 - any parser failure means the same to the listener
        log.warning("No preview for item %s (%s): %s", item.pk, path, exc)
        raise PreviewUnavailable(item.pk) from None
    data = sketch.to_dict()
    store_fingerprint(item, data)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, target)
    return data
