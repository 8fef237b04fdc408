"""WAV rendering on the server with FluidSynth and the site's General MIDI SoundFont."""
from __future__ import annotations

import io
import wave

from django.utils.translation import gettext as _

from studio.music.score import Score
from studio.soundfont import soundfont_path

SAMPLE_RATE = 44100
TAIL_SECONDS = 1.0
PROGRAMS = [0, 0, 0, 0]  # General MIDI acoustic grand piano for every voice, as in the browser player


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
        for channel, program in enumerate(PROGRAMS):
            synth.program_select(channel, sfid, 0, program)
        frames = _render_events(synth, score)
    finally:
        synth.delete()
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(frames)
    return out.getvalue()


def _render_events(synth, score: Score) -> bytes:
    step = step_seconds(score)
    events = []  # (frame, order, channel, pitch, velocity): note-offs (order 0) before note-ons at one frame
    for note in score.notes:
        channel = min(note.voice, len(PROGRAMS) - 1)
        events.append((round(note.start * step * SAMPLE_RATE), 1, channel, note.pitch, note.velocity))
        events.append((round(note.end * step * SAMPLE_RATE), 0, channel, note.pitch, 0))
    total = round((score.total_steps * step + TAIL_SECONDS) * SAMPLE_RATE)
    chunks, now = [], 0
    for frame, is_on, channel, pitch, velocity in sorted(events):
        if frame > now:
            chunks.append(synth.get_samples(frame - now).tobytes())
            now = frame
        if is_on:
            synth.noteon(channel, pitch, velocity)
        else:
            synth.noteoff(channel, pitch)
    if total > now:
        chunks.append(synth.get_samples(total - now).tobytes())
    return b"".join(chunks)
