"""Where the General MIDI SoundFont lives: the browser player and the WAV renderer use the same one.

``MOTIF_SOUNDFONT`` (a setting or an environment variable) names an .sf2 file; without it the studio
uses TimGM6mb.sf2 (GPL-2, by Tim Brechbill) as shipped inside the pretty_midi package.
"""
from __future__ import annotations

import os
from pathlib import Path

import pretty_midi
from django.conf import settings

BUNDLED = Path(pretty_midi.__file__).resolve().parent / "TimGM6mb.sf2"


def soundfont_path() -> Path:
    configured = getattr(settings, "MOTIF_SOUNDFONT", None) or os.environ.get("MOTIF_SOUNDFONT")
    return Path(configured) if configured else BUNDLED
