"""Chord progressions as a musician types and sees them: checked in the request with a sentence in their
language, and suggested for a melody as editable text.

:func:`studio.music.chords.parse_progression` lays the chords over the bars; this module names what is
wrong (the symbol it cannot read, too many bars, a bar that cannot be shared evenly) translated.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from studio.music.chords import ChordError, format_progression, parse_progression, pitch_classes
from studio.music.errors import ModelUnavailable
from studio.music.score import Chord, Score

MAX_PROGRESSION_LENGTH = 400
MAX_VARIED_BARS = 16


class ChordInputError(ValueError):
    """A progression that cannot be used; the message is a translated sentence for the musician."""


def read_progression(text: str, metre: str, bars: int) -> list[Chord]:
    """The chords of ``text`` over ``bars`` bars of ``metre`` (empty text: no chords)."""
    text = (text or "").strip()
    if len(text) > MAX_PROGRESSION_LENGTH:
        raise ChordInputError(_("A progression can be at most %(n)d characters long.")
                              % {"n": MAX_PROGRESSION_LENGTH})
    for symbol in text.replace("|", " ").split():
        try:
            pitch_classes(symbol)
        except ChordError:
            raise ChordInputError(_("“%(symbol)s” is not a chord symbol such as C, Am, G7 or Bbmaj7.")
                                  % {"symbol": symbol}) from None
    try:
        return parse_progression(text, metre, bars)
    except ChordError:
        groups = [g.split() for g in text.split("|")] if "|" in text else [[s] for s in text.split()]
        if any(not g for g in groups):
            raise ChordInputError(_("A bar between two “|” has no chord.")) from None
        if len(groups) > bars:
            raise ChordInputError(_("The progression has %(n)d bars but the piece has %(bars)d.")
                                  % {"n": len(groups), "bars": bars}) from None
        raise ChordInputError(_("The chords of a bar must share a bar of %(metre)s evenly (for example one "
                                "chord a beat).") % {"metre": metre}) from None


class ChordsUnavailable(RuntimeError):
    """The melody model that suggests chords is not installed; the message says so."""


def varied_bars(bars: int) -> int:
    """How many bars of a sketch a variation (and its chords) spans: the sketch's, up to
    :data:`MAX_VARIED_BARS`."""
    return min(bars, MAX_VARIED_BARS)


def suggested_chords(score: Score) -> dict:
    """Chords for the melody of ``score`` (``services.suggest_chords``) as the text the forms accept,
    with the metre and bars they were laid over and the chords themselves."""
    from studio import services

    if not score.notes:
        raise ValueError(_("The sketch has no notes to suggest chords for."))
    try:
        chords = services.suggest_chords(score)
    except ModelUnavailable as exc:
        raise ChordsUnavailable(str(exc)) from None
    return {"chords": format_progression(chords, score.metre), "metre": score.metre, "bars": score.bars,
            "items": [{"symbol": c.symbol, "start": c.start, "duration": c.duration} for c in chords]}
