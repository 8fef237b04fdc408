"""HarmonyGAN: a MuseGAN-style generator of four voices over 64 16th steps, trained with WGAN-GP.

Each voice is, per 16th step, a choice among the pitches of :data:`~studio.music.encoding.VOICE_RANGE`
and silence plus an onset flag (a note starts here), so a repeated note stays two notes. The generator
decides once per ``cell`` steps (default 2: an 8th note, the shortest value of 97.6 % of the chorales'
notes): the pitch is held over the cell and an onset can fall on its first step only; soprano
conditions keep their full 16th resolution. Latents follow MuseGAN's hybrid model: a shared
time-independent ``z``, a shared time-dependent one expanded per segment of 16 steps by a temporal
network, and the same two per voice. One segment generator per voice turns ``[z, z_seg, z_voice,
z_voice_seg, condition_seg]`` into that segment's logits. Outputs are binarised with the straight-through
Gumbel-softmax, as BinaryMuseGAN's binary neurons, so the critic sees the same kind of tensor for real
and fake.

Metre: every step carries its metrical accents (bar, beat, eighth: :mod:`studio.music.accents`); the
generator's condition and the critic read them, so one model writes 4/4 and 3/4 chorale textures (and
follows the bar lines of any supported metre). Windows always start on a bar line.

Conditional mode (harmonise): the soprano (pitches and onsets), encoded per segment, conditions every
segment generator and replaces the generated soprano. Training conditions half of each batch.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from studio.music.accents import ACCENT_LEVELS, accents
from studio.music.encoding import FIRST_PITCH_TOKEN, HOLD, REST, VOICE_RANGE, tokens_to_onsets, tokens_to_roll

SEGMENT = 16


@dataclass
class GANConfig:
    """Hyper-parameters of a :class:`HarmonyGAN` (stored in every checkpoint). ``bars`` counts
    segments of 16 steps (4: windows of 64 steps)."""

    voices: int = 4
    bars: int = 4
    classes: int = VOICE_RANGE.n_pitches + 1
    z_dim: int = 32
    cond_dim: int = 64
    hidden: int = 256
    critic_hidden: int = 128
    gp_weight: float = 10.0
    critic_steps: int = 3
    tau: float = 1.0
    cell: int = 2

    @property
    def steps(self) -> int:
        return self.bars * SEGMENT

    @property
    def channels(self) -> int:
        """Per voice and step: one-hot pitch-or-silence plus the onset flag."""
        return self.classes + 1

    def to_dict(self) -> dict:
        return asdict(self)


class Generator(nn.Module):
    """Latents, the accents and an optional soprano to per-cell logits: pitches ``(batch, voices,
    cells, classes)`` and onsets ``(batch, voices, cells, 2)``."""

    def __init__(self, c: GANConfig):
        super().__init__()
        self.c = c
        self.temporal_shared = nn.Sequential(nn.Linear(c.z_dim, c.hidden), nn.ReLU(), nn.Linear(c.hidden, c.bars * c.z_dim))
        self.temporal_voice = nn.ModuleList(
            nn.Sequential(nn.Linear(c.z_dim, c.hidden), nn.ReLU(), nn.Linear(c.hidden, c.bars * c.z_dim))
            for _ in range(c.voices))
        self.cond_encoder = nn.Sequential(nn.Linear(SEGMENT * (c.channels + ACCENT_LEVELS) + 1, c.hidden), nn.ReLU(),
                                          nn.Linear(c.hidden, c.cond_dim))
        inp = 4 * c.z_dim + c.cond_dim
        self.bar_generators = nn.ModuleList(
            nn.Sequential(nn.Linear(inp, c.hidden), nn.LayerNorm(c.hidden), nn.ReLU(),
                          nn.Linear(c.hidden, c.hidden), nn.LayerNorm(c.hidden), nn.ReLU(),
                          nn.Linear(c.hidden, SEGMENT // c.cell * (c.classes + 2)))
            for _ in range(c.voices))

    def forward(self, z: dict[str, torch.Tensor], accent: torch.Tensor,
                condition: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        c, b = self.c, z["shared"].shape[0]
        shared_t = self.temporal_shared(z["shared_t"]).view(b, c.bars, c.z_dim)
        if condition is None:
            soprano = torch.zeros(b, c.bars, SEGMENT * c.channels, device=accent.device)
            flag = torch.zeros(b, c.bars, 1, device=accent.device)
        else:
            soprano = condition.reshape(b, c.bars, SEGMENT * c.channels)
            flag = torch.ones(b, c.bars, 1, device=accent.device)
        cond = self.cond_encoder(torch.cat([soprano, accent.reshape(b, c.bars, SEGMENT * ACCENT_LEVELS), flag], -1))
        cells = c.bars * SEGMENT // c.cell
        pitches, onsets = [], []
        for v in range(c.voices):
            voice_t = self.temporal_voice[v](z["voice_t"][:, v]).view(b, c.bars, c.z_dim)
            x = torch.cat([z["shared"].unsqueeze(1).expand(-1, c.bars, -1), shared_t,
                           z["voice"][:, v].unsqueeze(1).expand(-1, c.bars, -1), voice_t, cond], dim=-1)
            out = self.bar_generators[v](x).view(b, cells, c.classes + 2)
            pitches.append(out[..., :c.classes])
            onsets.append(out[..., c.classes:])
        return torch.stack(pitches, dim=1), torch.stack(onsets, dim=1)


class Critic(nn.Module):
    """WGAN critic over voice tensors ``(batch, voices, steps, classes + 1)`` and their accents:
    convolutions along time with the voices' pitches and onsets as channels, down to beats and bars."""

    def __init__(self, c: GANConfig):
        super().__init__()
        h = c.critic_hidden
        self.net = nn.Sequential(
            nn.Conv1d(c.voices * c.channels + ACCENT_LEVELS, h, 1), nn.LeakyReLU(0.2),
            nn.Conv1d(h, h, 4, stride=4), nn.LeakyReLU(0.2),
            nn.Conv1d(h, h, 4, stride=4), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(h * c.bars, h), nn.LeakyReLU(0.2), nn.Linear(h, 1))

    def forward(self, voices: torch.Tensor, accent: torch.Tensor) -> torch.Tensor:
        b, v, t, k = voices.shape
        x = torch.cat([voices.permute(0, 1, 3, 2).reshape(b, v * k, t), accent.transpose(1, 2)], dim=1)
        return self.net(x).squeeze(1)


class HarmonyGAN(nn.Module):
    """Generator and critic, plus sampling, harmonising and the WGAN-GP losses."""

    def __init__(self, config: GANConfig | None = None):
        super().__init__()
        self.config = config or GANConfig()
        self.generator = Generator(self.config)
        self.critic = Critic(self.config)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def latents(self, n: int, generator: torch.Generator | None = None, scale: float = 1.0) -> dict[str, torch.Tensor]:
        """Fresh latents for ``n`` samples (drawn on the CPU for reproducibility, then moved),
        multiplied by ``scale`` (a temperature)."""
        c = self.config

        def draw(*shape):
            return (torch.randn(*shape, generator=generator) * scale).to(self.device)

        return {"shared": draw(n, c.z_dim), "shared_t": draw(n, c.z_dim),
                "voice": draw(n, c.voices, c.z_dim), "voice_t": draw(n, c.voices, c.z_dim)}

    def accents(self, metre: str | list[str], n: int) -> torch.Tensor:
        """``(n, steps, 3)`` accents of windows starting on a bar line of ``metre`` (one metre, or
        one per window)."""
        metres = [metre] * n if isinstance(metre, str) else list(metre)
        table = {m: accents(m, self.config.steps) for m in set(metres)}
        return torch.from_numpy(np.stack([table[m] for m in metres])).to(self.device)

    def voice_tensor(self, tokens: np.ndarray) -> torch.Tensor:
        """Token arrays (REST / HOLD / note-on over ``VOICE_RANGE``, any leading shape, time last) to
        float tensors with the one-hot pitch and the onset flag per step (``... , steps, classes + 1``)."""
        roll = torch.from_numpy(tokens_to_roll(tokens, VOICE_RANGE)).to(self.device)
        onsets = torch.from_numpy(tokens_to_onsets(tokens)).to(self.device).float()
        return torch.cat([F.one_hot(roll, self.config.classes).float(), onsets.unsqueeze(-1)], dim=-1)

    def _expand(self, pitch_cells: torch.Tensor, onset_cells: torch.Tensor) -> torch.Tensor:
        """Per-cell one-hot pitches and onset flags to per-step voice tensors: the pitch is held over
        the cell, the onset falls on its first step, silence never has an onset."""
        c = self.config
        pitch = pitch_cells.repeat_interleave(c.cell, dim=2)
        onset = F.pad(onset_cells.unsqueeze(-1), (0, c.cell - 1)).flatten(2)
        onset = onset * (1 - pitch[..., -1])
        return torch.cat([pitch, onset.unsqueeze(-1)], dim=-1)

    def generate(self, accent: torch.Tensor, soprano: torch.Tensor | None = None, hard: bool = True,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """Voice tensors ``(n, voices, steps, classes + 1)`` for ``n = len(accent)``: straight-through
        Gumbel samples when ``hard`` (training), softmax otherwise. ``soprano`` (a voice tensor
        ``(n, steps, classes + 1)``) conditions the others and is kept."""
        pitch, onset = self.generator(self.latents(len(accent), generator), accent, soprano)
        if hard:
            pitch, onset = F.gumbel_softmax(pitch, tau=self.config.tau, hard=True), F.gumbel_softmax(onset, tau=self.config.tau, hard=True)
        else:
            pitch, onset = pitch.softmax(-1), onset.softmax(-1)
        out = self._expand(pitch, onset[..., 1])
        if soprano is not None:
            out = torch.cat([soprano.unsqueeze(1), out[:, 1:]], dim=1)
        return out

    @torch.no_grad()
    def sample(self, n: int, soprano: np.ndarray | None = None, metre: str = "4/4",
               generator: torch.Generator | None = None, temperature: float = 1.0,
               latents: dict[str, torch.Tensor] | None = None, allowed: np.ndarray | None = None) -> torch.Tensor:
        """Token arrays ``(n, voices, steps)`` (REST / HOLD / note-on over ``VOICE_RANGE``): the most
        likely pitch and onset of each cell. ``soprano`` (tokens ``(n, steps)``) is kept as given; the
        window starts on a bar line of ``metre``; ``temperature`` scales the latents, drawn from
        ``generator`` unless given (from :meth:`latents`, so a batch can carry each row's own draws).
        ``allowed`` (``(n, steps, classes)`` flags, see :func:`studio.music.key_mask.class_mask`)
        keeps each cell to the classes allowed at all of its steps (key-aware decoding); where that
        turns a note into the pitch sounding before it, the note is held rather than struck again."""
        cond = self.voice_tensor(np.asarray(soprano)) if soprano is not None else None
        z = latents if latents is not None else self.latents(n, generator, temperature)
        pitch, onset = self.generator(z, self.accents(metre, n), cond)
        chosen, struck = pitch.argmax(-1), onset.argmax(-1)
        if allowed is not None:
            c = self.config
            cells = torch.from_numpy(np.asarray(allowed, dtype=bool)).to(self.device)
            cells = cells.view(n, c.steps // c.cell, c.cell, c.classes).all(2)
            kept = pitch.masked_fill(~cells.unsqueeze(1), float("-inf")).argmax(-1)
            previous = F.pad(kept, (1, 0), value=-1)[..., :-1]
            struck = torch.where((kept != chosen) & (kept == previous), torch.zeros_like(struck), struck)
            chosen = kept
        voices = self._expand(F.one_hot(chosen, self.config.classes).float(), struck.float())
        if cond is not None:
            voices = torch.cat([cond.unsqueeze(1), voices[:, 1:]], dim=1)
        return self.to_tokens(voices)

    def to_tokens(self, voices: torch.Tensor) -> torch.Tensor:
        """Voice tensors to tokens: a note starts at an onset or where the pitch changes."""
        pitch = voices[..., :-1].argmax(-1)
        previous = F.pad(pitch, (1, 0), value=-1)[..., :-1]
        starts = (voices[..., -1] > 0.5) | (pitch != previous)
        silent = pitch == self.config.classes - 1
        tokens = torch.where(starts, pitch + FIRST_PITCH_TOKEN, torch.full_like(pitch, HOLD))
        return torch.where(silent, torch.full_like(pitch, REST), tokens)

    def critic_loss(self, real: torch.Tensor, accent: torch.Tensor, n_conditioned: int) -> tuple[torch.Tensor, dict]:
        """WGAN-GP critic loss on a real batch of voice tensors and their accents; its first
        ``n_conditioned`` rows are generated around their real soprano."""
        fake = self.fake_like(real, accent, n_conditioned).detach()
        wd = self.critic(real, accent).mean() - self.critic(fake, accent).mean()
        alpha = torch.rand(real.shape[0], 1, 1, 1, device=real.device)
        mix = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        grad = torch.autograd.grad(self.critic(mix, accent).sum(), mix, create_graph=True)[0]
        gp = ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
        return -wd + self.config.gp_weight * gp, {"wasserstein": float(wd.detach()), "gp": float(gp.detach())}

    def generator_loss(self, real: torch.Tensor, accent: torch.Tensor, n_conditioned: int) -> torch.Tensor:
        """Generator loss: minus the critic's score of a fake batch."""
        return -self.critic(self.fake_like(real, accent, n_conditioned), accent).mean()

    def fake_like(self, real: torch.Tensor, accent: torch.Tensor, n_conditioned: int) -> torch.Tensor:
        """A generated batch as large as ``real``: the first ``n_conditioned`` rows harmonise the
        real sopranos, the others are free."""
        parts = []
        if n_conditioned:
            parts.append(self.generate(accent[:n_conditioned], soprano=real[:n_conditioned, 0]))
        if real.shape[0] > n_conditioned:
            parts.append(self.generate(accent[n_conditioned:]))
        return torch.cat(parts)
