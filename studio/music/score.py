"""The shared musical data type of the studio: a :class:`Score` made of :class:`Note` objects.

Plain Python (no torch, no Django) so that web code, services and models can all exchange it.
Time is measured in 16th-note steps from the start of the score. A bar's length follows the metre:
4/4 is 16 steps, 3/4 is 12, 6/8 is 12, 9/8 is 18, 3/2 is 24 (:func:`steps_per_bar`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

STEPS_PER_BAR = 16
SUPPORTED_METRES = ("2/4", "3/4", "4/4", "2/2", "6/8", "9/8", "12/8", "3/2")


def steps_per_bar(metre: str) -> int:
    """16th steps in one bar of ``metre`` ("6/8" -> 12); ValueError for a metre the studio does not
    support (:data:`SUPPORTED_METRES`)."""
    if metre not in SUPPORTED_METRES:
        raise ValueError(f"metre {metre!r} is not one of {', '.join(SUPPORTED_METRES)}")
    beats, unit = (int(x) for x in metre.split("/"))
    return beats * 16 // unit
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
class Chord:
    """A chord symbol such as ``"Am"`` or ``"G7"`` sounding from ``start`` for ``duration`` 16th steps."""

    symbol: str
    start: int
    duration: int

    def __post_init__(self) -> None:
        self.symbol = str(self.symbol)
        self.start, self.duration = int(self.start), int(self.duration)
        if self.start < 0 or self.duration < 1:
            raise ValueError(f"chord {self.symbol!r} has start {self.start} and duration {self.duration}")


@dataclass
class Score:
    """A piece of music: notes on a 16th grid, ``bars`` bars of ``metre``, a tempo in BPM (quarter
    notes per minute), a key name such as ``"C"``, ``"Am"`` or ``"F#"``, optional chord symbols and a
    General MIDI program per voice (``programs[i]`` for ``voices[i]``; empty means the defaults)."""

    notes: list[Note]
    bars: int
    tempo: float = 120.0
    key: str = "C"
    voices: list[str] = field(default_factory=lambda: ["melody"])
    model: str = ""
    meta: dict = field(default_factory=dict)
    metre: str = "4/4"
    chords: list[Chord] = field(default_factory=list)
    programs: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        steps_per_bar(self.metre)

    @property
    def steps_per_bar(self) -> int:
        """16th steps in one bar of this score's metre."""
        return steps_per_bar(self.metre)

    @property
    def total_steps(self) -> int:
        """Length of the score in 16th steps."""
        return self.bars * self.steps_per_bar

    def voice_notes(self, voice: int) -> list[Note]:
        """The notes of one voice, ordered by start then pitch."""
        return sorted((n for n in self.notes if n.voice == voice), key=lambda n: (n.start, n.pitch))

    def to_dict(self) -> dict:
        """A JSON-serialisable dict (inverse of :meth:`from_dict`)."""
        return {
            "notes": [dict(vars(n)) for n in self.notes],  # flat int fields: asdict's deep copy, faster
            "bars": self.bars,
            "tempo": float(self.tempo),
            "key": self.key,
            "voices": list(self.voices),
            "model": self.model,
            "meta": dict(self.meta),
            "steps_per_bar": self.steps_per_bar,
            "metre": self.metre,
            "chords": [asdict(c) for c in self.chords],
            "programs": list(self.programs),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Score":
        """Build a Score from :meth:`to_dict` output (unknown keys are ignored)."""
        return cls(
            notes=[Note(**{k: n[k] for k in ("pitch", "start", "duration", "velocity", "voice") if k in n})
                   for n in d.get("notes", [])],
            bars=int(d["bars"]),
            tempo=float(d.get("tempo", 120.0)),
            key=str(d.get("key", "C")),
            voices=list(d.get("voices", ["melody"])),
            model=str(d.get("model", "")),
            meta=dict(d.get("meta", {})),
            metre=str(d.get("metre", "4/4")),
            chords=[Chord(**{k: c[k] for k in ("symbol", "start", "duration")}) for c in d.get("chords", [])],
            programs=[int(p) for p in d.get("programs", [])],
        )
