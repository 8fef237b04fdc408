"""Fixtures of the studio web tests: sketches, and fast stand-ins for the model calls."""
import pytest
from tests.unit.studio_web.studio_factories import chorale_score, melody_score

from studio import services
from studio.music.score import Score
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

    def sample(model, count, bars, key="C", tempo=120.0, temperature=1.0, seed=None):
        calls.append(("sample", model, count, bars))
        base = melody_score(bars=bars, tempo=tempo, shift=(seed or 0) % 5)
        return [chorale_score(base) if model == "gan" else base for _ in range(count)]

    def vary(sketch, amount, count, seed=None):
        calls.append(("vary", amount, count))
        return [Score.from_dict(sketch.to_dict()) for _ in range(count)]

    def interpolate(a, b, steps):
        calls.append(("interpolate", steps))
        return [a] + [melody_score(bars=a.bars, shift=i) for i in range(1, steps - 1)] + [b]

    def harmonize(melody, seed=None, count=1):
        calls.append(("harmonize", count))
        return [chorale_score(melody) for _ in range(count)]

    for name, func in (("sample", sample), ("vary", vary), ("interpolate", interpolate), ("harmonize", harmonize)):
        monkeypatch.setattr(services, name, func)
    return calls
