"""General MIDI instruments of the studio's voices: the short list a musician picks from, and the
defaults (a melody on piano, SATB voices as choir aahs)."""
from __future__ import annotations

from studio.music.score import Score

# General MIDI program numbers (0-based) with their English names; the web layer translates them.
INSTRUMENTS = {
    0: "Acoustic grand piano",
    6: "Harpsichord",
    19: "Church organ",
    24: "Acoustic guitar (nylon)",
    40: "Violin",
    41: "Viola",
    42: "Cello",
    43: "Contrabass",
    48: "String ensemble",
    52: "Choir aahs",
    56: "Trumpet",
    57: "Trombone",
    60: "French horn",
    65: "Alto sax",
    68: "Oboe",
    70: "Bassoon",
    71: "Clarinet",
    73: "Flute",
    75: "Recorder",
}
DEFAULT_PROGRAMS = {"melody": 0, "soprano": 52, "alto": 52, "tenor": 52, "bass": 52}
PIANO = 0


def programs_of(score: Score) -> list[int]:
    """The General MIDI program of each voice: ``score.programs`` where set, else the voice's default."""
    chosen = list(score.programs)
    return [chosen[i] if i < len(chosen) else DEFAULT_PROGRAMS.get(name, PIANO)
            for i, name in enumerate(score.voices)]
