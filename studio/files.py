"""Sketches as downloadable files: MIDI, MusicXML, WAV, and several of them as one zip."""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable

from django.utils.text import slugify

from studio import render
from studio.music.export import to_midi, to_musicxml
from studio.models import Sketch

CONTENT_TYPES = {
    "midi": ("audio/midi", "mid"),
    "musicxml": ("application/vnd.recordare.musicxml+xml", "musicxml"),
    "wav": ("audio/wav", "wav"),
}


def filename(sketch: Sketch, kind: str) -> str:
    stem = slugify(sketch.title, allow_unicode=False) or "sketch"
    return f"{stem}-{sketch.id}.{CONTENT_TYPES[kind][1]}"


def file_bytes(sketch: Sketch, kind: str) -> bytes:
    """The sketch as ``kind`` ("midi", "musicxml" or "wav"); WAV may raise ``render.RenderUnavailable``.
    MusicXML names the sketch's title and its owner as the composer."""
    score = sketch.as_score()
    if kind == "midi":
        return to_midi(score)
    if kind == "musicxml":
        return to_musicxml(score, title=sketch.title, composer=composer_name(sketch.owner))
    return render.render_wav(score)


def composer_name(user) -> str:
    """The name a score credits: the owner's display name, else their user name."""
    profile = getattr(user, "profile", None)
    return getattr(profile, "name", "") or user.get_username()


def zip_bytes(sketches: Iterable[Sketch], *, with_wav: bool) -> bytes:
    """A zip with each sketch's MIDI, MusicXML (and WAV) plus its JSON score."""
    kinds = ["midi", "musicxml"] + (["wav"] if with_wav else [])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sketch in sketches:
            for kind in kinds:
                archive.writestr(filename(sketch, kind), file_bytes(sketch, kind))
            stem = filename(sketch, "midi").rsplit(".", 1)[0]
            archive.writestr(f"{stem}.json", json.dumps({"title": sketch.title, "tags": sketch.tags,
                                                         "score": sketch.score}, ensure_ascii=False, indent=1))
    return out.getvalue()
