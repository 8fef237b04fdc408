"""General MIDI instruments of the studio's voices: the defaults (a melody on piano, SATB voices as choir
aahs) and each voice's program. The list a musician picks from is ``studio.instruments``."""
from __future__ import annotations

from studio.music.score import Score

DEFAULT_PROGRAMS = {"melody": 0, "soprano": 52, "alto": 52, "tenor": 52, "bass": 52}
PIANO = 0


def programs_of(score: Score) -> list[int]:
    """The General MIDI program of each voice: ``score.programs`` where set, else the voice's default."""
    chosen = list(score.programs)
    return [chosen[i] if i < len(chosen) else DEFAULT_PROGRAMS.get(name, PIANO)
            for i, name in enumerate(score.voices)]
