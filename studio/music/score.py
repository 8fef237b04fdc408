"""The shared musical data type of the studio: a :class:`Sketch` made of :class:`Note` objects.

Plain Python (no torch, no Django) so that web code, services and models can all exchange it.
Time is measured in 16th-note steps from the start of the sketch; bars are 4/4, i.e. 16 steps.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

STEPS_PER_BAR = 16
VOICE_NAMES_SATB = ["soprano", "alto", "tenor", "bass"]


@dataclass
class Note:
    """One note. ``start`` and ``duration`` are in 16th-note steps; ``voice`` 0 is the melody/soprano,
    1 alto, 2 tenor, 3 bass."""

    pitch: int
    start: int
    duration: int
    velocity: int = 90
    voice: int = 0

    def __post_init__(self) -> None:
        if not 0 <= int(self.pitch) <= 127:
            raise ValueError(f"pitch {self.pitch} is outside MIDI 0-127")
        if int(self.start) < 0:
            raise ValueError(f"start {self.start} is negative")
        if int(self.duration) < 1:
            raise ValueError(f"duration {self.duration} must be at least one 16th step")
        self.pitch, self.start, self.duration = int(self.pitch), int(self.start), int(self.duration)
        self.velocity, self.voice = int(self.velocity), int(self.voice)

    @property
    def end(self) -> int:
        """The step just after the note."""
        return self.start + self.duration


@dataclass
class Sketch:
    """A short piece of music: notes on a 16th grid, ``bars`` bars of 4/4, a tempo in BPM and a key
    name such as ``"C"``, ``"Am"`` or ``"F#"``."""

    notes: list[Note]
    bars: int
    tempo: float = 120.0
    key: str = "C"
    voices: list[str] = field(default_factory=lambda: ["melody"])
    model: str = ""
    meta: dict = field(default_factory=dict)

    steps_per_bar = STEPS_PER_BAR

    @property
    def total_steps(self) -> int:
        """Length of the sketch in 16th steps."""
        return self.bars * self.steps_per_bar

    def voice_notes(self, voice: int) -> list[Note]:
        """The notes of one voice, ordered by start then pitch."""
        return sorted((n for n in self.notes if n.voice == voice), key=lambda n: (n.start, n.pitch))

    def to_dict(self) -> dict:
        """A JSON-serialisable dict (inverse of :meth:`from_dict`)."""
        return {
            "notes": [asdict(n) for n in self.notes],
            "bars": self.bars,
            "tempo": float(self.tempo),
            "key": self.key,
            "voices": list(self.voices),
            "model": self.model,
            "meta": dict(self.meta),
            "steps_per_bar": self.steps_per_bar,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Sketch":
        """Build a Sketch from :meth:`to_dict` output (unknown keys are ignored)."""
        return cls(
            notes=[Note(**{k: n[k] for k in ("pitch", "start", "duration", "velocity", "voice") if k in n})
                   for n in d.get("notes", [])],
            bars=int(d["bars"]),
            tempo=float(d.get("tempo", 120.0)),
            key=str(d.get("key", "C")),
            voices=list(d.get("voices", ["melody"])),
            model=str(d.get("model", "")),
            meta=dict(d.get("meta", {})),
        )
