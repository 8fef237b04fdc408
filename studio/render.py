"""WAV rendering on the server with FluidSynth and the site's General MIDI SoundFont: each voice on its
own channel with its General MIDI program, the result peak-normalised to :data:`PEAK_DBFS`."""
from __future__ import annotations

import io
import wave

import numpy as np
from django.utils.translation import gettext as _

from studio.music.instruments import programs_of
from studio.music.score import Score
from studio.soundfont import soundfont_path

SAMPLE_RATE = 44100
TAIL_SECONDS = 1.0
PEAK_DBFS = -1.0
DRUM_CHANNEL = 9


class RenderUnavailable(RuntimeError):
    """FluidSynth or the SoundFont is missing; the message says how to enable WAV export."""


def _fluidsynth():
    try:
        import fluidsynth  # the Python binding imports only where libfluidsynth is installed
    except ImportError:
        raise RenderUnavailable(_(
            "WAV export needs the FluidSynth library: install it with 'apt-get install libfluidsynth3' "
            "(or 'brew install fluid-synth') and restart the server.")) from None
    return fluidsynth


def unavailable_reason() -> str | None:
    """None when WAV export works here, else a sentence that says how to enable it."""
    try:
        _fluidsynth()
    except RenderUnavailable as exc:
        return str(exc)
    if not soundfont_path().is_file():
        return _("WAV export needs a General MIDI SoundFont: set MOTIF_SOUNDFONT to an .sf2 file.")
    return None


def step_seconds(score: Score) -> float:
    """Length of one 16th-note step at the sketch's tempo."""
    return 60.0 / float(score.tempo) / 4.0


def render_wav(score: Score) -> bytes:
    """The sketch as 16-bit stereo WAV at 44.1 kHz: its full length in bars, plus a short release tail."""
    reason = unavailable_reason()
    if reason:
        raise RenderUnavailable(reason)
    fluidsynth = _fluidsynth()
    synth = fluidsynth.Synth(samplerate=float(SAMPLE_RATE), gain=0.6)
    try:
        sfid = synth.sfload(str(soundfont_path()))
        for voice, program in enumerate(programs_of(score)):
            synth.program_select(voice_channel(voice), sfid, 0, program)
        frames = normalise_peak(_render_events(synth, score))
    finally:
        synth.delete()
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(frames)
    return out.getvalue()


def voice_channel(voice: int) -> int:
    """The MIDI channel of a voice (channel 10, General MIDI's drums, is skipped)."""
    return voice if voice < DRUM_CHANNEL else min(voice + 1, 15)


def normalise_peak(samples: np.ndarray, peak_dbfs: float = PEAK_DBFS) -> bytes:
    """16-bit samples scaled so that the loudest one sits at ``peak_dbfs`` (silence stays silent)."""
    peak = int(np.abs(samples.astype(np.int32)).max(initial=0))
    if peak == 0:
        return samples.astype("<i2").tobytes()
    target = 32767 * 10 ** (peak_dbfs / 20)
    scaled = np.round(samples.astype(np.float64) * (target / peak))
    return np.clip(scaled, -32768, 32767).astype("<i2").tobytes()


def _render_events(synth, score: Score) -> np.ndarray:
    step = step_seconds(score)
    events = []  # (frame, order, channel, pitch, velocity): note-offs (order 0) before note-ons at one frame
    for note in score.notes:
        channel = voice_channel(note.voice)
        events.append((round(note.start * step * SAMPLE_RATE), 1, channel, note.pitch, note.velocity))
        events.append((round(note.end * step * SAMPLE_RATE), 0, channel, note.pitch, 0))
    total = round((score.total_steps * step + TAIL_SECONDS) * SAMPLE_RATE)
    chunks, now = [], 0
    for frame, is_on, channel, pitch, velocity in sorted(events):
        if frame > now:
            chunks.append(synth.get_samples(frame - now))
            now = frame
        if is_on:
            synth.noteon(channel, pitch, velocity)
        else:
            synth.noteoff(channel, pitch)
    if total > now:
        chunks.append(synth.get_samples(total - now))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
