"""Fixtures of the studio web tests: sketches, and fast stand-ins for the model calls."""
import pytest
from tests.unit.studio_web.studio_factories import chorale_score, melody_score

from studio import services
from studio.music.score import Chord, Score
from studio.models import Origin, Sketch


@pytest.fixture
def make_sketch():
    def make(owner, title="Tune", score=None, **fields):
        row = Sketch(owner=owner, title=title, origin=fields.pop("origin", Origin.GENERATED), **fields)
        row.set_score(score or melody_score())
        row.save()
        return row

    return make


@pytest.fixture
def fake_models(monkeypatch):
    """Stand-ins for the four model calls (the file conversions stay real): fast and deterministic."""
    calls = []

    def sample(model, count, bars, key="C", tempo=120.0, temperature=1.0, seed=None, attributes=None,
               metre="4/4", chords=None):
        calls.append(("sample", model, count, bars))
        if metre != "4/4" or chords:
            calls.append(("sample-over", metre, [(c.symbol, c.start, c.duration) for c in chords or []]))
        base = melody_score(bars=bars, tempo=tempo, shift=(seed or 0) % 5)
        base.metre, base.chords = metre, list(chords or [])
        return [chorale_score(base) if model == "gan" else base for _ in range(count)]

    def vary(sketch, amount, count, seed=None, chords=None, voice=0):
        calls.append(("vary", amount, count))
        if chords or voice:
            calls.append(("vary-over", voice, [(c.symbol, c.start, c.duration) for c in chords or []]))
        return [Score.from_dict(sketch.to_dict()) for _ in range(count)]

    def interpolate(a, b, steps):
        calls.append(("interpolate", steps))
        return [a] + [melody_score(bars=a.bars, shift=i) for i in range(1, steps - 1)] + [b]

    def harmonize(melody, seed=None, count=1):
        calls.append(("harmonize", count))
        return [chorale_score(melody) for _ in range(count)]

    def suggest_chords(score):
        calls.append(("suggest_chords", score.metre))
        bar = score.steps_per_bar
        return [Chord("C" if b % 2 == 0 else "G7", b * bar, bar) for b in range(score.bars)]

    for name, func in (("sample", sample), ("vary", vary), ("interpolate", interpolate), ("harmonize", harmonize),
                       ("suggest_chords", suggest_chords)):
        monkeypatch.setattr(services, name, func, raising=False)
    return calls
