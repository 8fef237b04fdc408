"""WAV renders: peak-normalised loudness (measured before and after) and each voice's instrument."""
import io
import wave

import numpy as np
import pytest
from tests.unit.studio_web.studio_factories import chorale_score, melody_score

from studio import render
from tests.conftest import require


def _samples(data: bytes) -> np.ndarray:
    with wave.open(io.BytesIO(data)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def _peak_dbfs(samples: np.ndarray) -> float:
    return 20 * np.log10(np.abs(samples.astype(np.int32)).max() / 32767)


@pytest.fixture
def fluidsynth_here():
    require(render.unavailable_reason() is None, f"WAV export unavailable: {render.unavailable_reason()}")


def test_wav_peak_is_normalised_to_the_target(fluidsynth_here, monkeypatch):
    score = chorale_score(melody_score(bars=1))
    after = _peak_dbfs(_samples(render.render_wav(score)))
    monkeypatch.setattr(render, "normalise_peak", lambda samples: samples.astype("<i2").tobytes())
    before = _peak_dbfs(_samples(render.render_wav(score)))
    assert before < render.PEAK_DBFS - 3  # FluidSynth alone renders well under the target
    assert abs(after - render.PEAK_DBFS) <= 1.0


def test_each_voice_sounds_with_its_own_program(fluidsynth_here):
    piano, violin = melody_score(bars=1), melody_score(bars=1)
    violin.programs = [40]
    assert not np.array_equal(_samples(render.render_wav(piano)), _samples(render.render_wav(violin)))


def test_normalising_silence_keeps_it_silent():
    assert render.normalise_peak(np.zeros(8, dtype=np.int16)) == bytes(16)
