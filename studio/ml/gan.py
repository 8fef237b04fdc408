"""HarmonyGAN: a MuseGAN-style generator of four voices x four bars, trained with WGAN-GP.

Each voice is a per-16th-step choice among the pitches of :data:`~studio.music.encoding.VOICE_RANGE`
and silence (a "voice roll"). The generator decides once per ``cell`` steps (default 2: an 8th note,
the shortest value of 97.6 % of the chorales' notes) and holds the choice, so it cannot write
fragmented 16th-note flicker; soprano conditions keep their full 16th resolution. Latents follow MuseGAN's hybrid model: a shared time-independent ``z``,
a shared time-dependent one expanded per bar by a temporal network, and the same two per voice. One
bar generator per voice turns ``[z, z_bar, z_voice, z_voice_bar, condition_bar]`` into that bar's
logits. Outputs are binarised (one class per step) with the straight-through Gumbel-softmax, as
BinaryMuseGAN's binary neurons, so the critic sees the same kind of tensor for real and fake.

Conditional mode (harmonise): the soprano roll is encoded per bar and given to every bar generator;
the generated soprano is then replaced by the given one. Training conditions half of each batch.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from studio.music.encoding import VOICE_RANGE
from studio.music.score import STEPS_PER_BAR


@dataclass
class GANConfig:
    """Hyper-parameters of a :class:`HarmonyGAN` (stored in every checkpoint)."""

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

    def to_dict(self) -> dict:
        return asdict(self)


class Generator(nn.Module):
    """Latents (and an optional soprano condition) to ``(batch, voices, bars*16, classes)`` logits."""

    def __init__(self, c: GANConfig):
        super().__init__()
        self.c = c
        self.temporal_shared = nn.Sequential(nn.Linear(c.z_dim, c.hidden), nn.ReLU(), nn.Linear(c.hidden, c.bars * c.z_dim))
        self.temporal_voice = nn.ModuleList(
            nn.Sequential(nn.Linear(c.z_dim, c.hidden), nn.ReLU(), nn.Linear(c.hidden, c.bars * c.z_dim))
            for _ in range(c.voices))
        self.cond_encoder = nn.Sequential(nn.Linear(STEPS_PER_BAR * c.classes, c.hidden), nn.ReLU(),
                                          nn.Linear(c.hidden, c.cond_dim))
        inp = 4 * c.z_dim + c.cond_dim + 1
        self.bar_generators = nn.ModuleList(
            nn.Sequential(nn.Linear(inp, c.hidden), nn.LayerNorm(c.hidden), nn.ReLU(),
                          nn.Linear(c.hidden, c.hidden), nn.LayerNorm(c.hidden), nn.ReLU(),
                          nn.Linear(c.hidden, STEPS_PER_BAR // c.cell * c.classes))
            for _ in range(c.voices))

    def forward(self, z: dict[str, torch.Tensor], condition: torch.Tensor | None) -> torch.Tensor:
        c, b = self.c, z["shared"].shape[0]
        shared_t = self.temporal_shared(z["shared_t"]).view(b, c.bars, c.z_dim)
        if condition is None:
            cond = torch.zeros(b, c.bars, c.cond_dim + 1, device=z["shared"].device)
        else:
            bars = condition.view(b, c.bars, STEPS_PER_BAR * c.classes)
            cond = torch.cat([self.cond_encoder(bars), torch.ones(b, c.bars, 1, device=bars.device)], dim=-1)
        voices = []
        for v in range(c.voices):
            voice_t = self.temporal_voice[v](z["voice_t"][:, v]).view(b, c.bars, c.z_dim)
            x = torch.cat([z["shared"].unsqueeze(1).expand(-1, c.bars, -1), shared_t,
                           z["voice"][:, v].unsqueeze(1).expand(-1, c.bars, -1), voice_t, cond], dim=-1)
            cells = self.bar_generators[v](x).view(b, c.bars * STEPS_PER_BAR // c.cell, c.classes)
            voices.append(cells.repeat_interleave(c.cell, dim=1))
        return torch.stack(voices, dim=1)


class Critic(nn.Module):
    """WGAN critic over one-hot voice rolls ``(batch, voices, steps, classes)``: convolutions along
    time with the voices' pitch classes as channels, down to beats and bars."""

    def __init__(self, c: GANConfig):
        super().__init__()
        h = c.critic_hidden
        self.net = nn.Sequential(
            nn.Conv1d(c.voices * c.classes, h, 1), nn.LeakyReLU(0.2),
            nn.Conv1d(h, h, 4, stride=4), nn.LeakyReLU(0.2),
            nn.Conv1d(h, h, 4, stride=4), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(h * c.bars, h), nn.LeakyReLU(0.2), nn.Linear(h, 1))

    def forward(self, rolls: torch.Tensor) -> torch.Tensor:
        b, v, t, k = rolls.shape
        return self.net(rolls.permute(0, 1, 3, 2).reshape(b, v * k, t)).squeeze(1)


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

    def one_hot(self, roll: torch.Tensor) -> torch.Tensor:
        """Class indices to one-hot float rolls."""
        return F.one_hot(roll, self.config.classes).float()

    def generate(self, n: int, soprano: torch.Tensor | None = None, hard: bool = True,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """One-hot rolls ``(n, voices, steps, classes)``; straight-through Gumbel samples when
        ``hard`` (training), softmax otherwise. ``soprano`` (``(n, steps)`` class indices) is kept."""
        cond = self.one_hot(soprano) if soprano is not None else None
        logits = self.generator(self.latents(n, generator), cond)
        out = F.gumbel_softmax(logits, tau=self.config.tau, hard=True) if hard else logits.softmax(-1)
        if cond is not None:
            out = torch.cat([cond.unsqueeze(1), out[:, 1:]], dim=1)
        return out

    @torch.no_grad()
    def sample(self, n: int, soprano: torch.Tensor | None = None, generator: torch.Generator | None = None,
               temperature: float = 1.0, latents: dict[str, torch.Tensor] | None = None) -> torch.Tensor:
        """Binarised class-index rolls ``(n, voices, steps)``: the most likely class at each step;
        ``temperature`` scales the latents, drawn from ``generator`` unless given (from :meth:`latents`,
        so a batch can carry each row's own draws)."""
        cond = self.one_hot(soprano) if soprano is not None else None
        z = latents if latents is not None else self.latents(n, generator, temperature)
        roll = self.generator(z, cond).argmax(-1)
        if soprano is not None:
            roll[:, 0] = soprano
        return roll

    def critic_loss(self, real: torch.Tensor, n_conditioned: int) -> tuple[torch.Tensor, dict]:
        """WGAN-GP critic loss on a real one-hot batch; its first ``n_conditioned`` rows are
        generated around their real soprano."""
        fake = self.fake_like(real, n_conditioned).detach()
        wd = self.critic(real).mean() - self.critic(fake).mean()
        alpha = torch.rand(real.shape[0], 1, 1, 1, device=real.device)
        mix = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        grad = torch.autograd.grad(self.critic(mix).sum(), mix, create_graph=True)[0]
        gp = ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
        return -wd + self.config.gp_weight * gp, {"wasserstein": float(wd.detach()), "gp": float(gp.detach())}

    def generator_loss(self, real: torch.Tensor, n_conditioned: int) -> torch.Tensor:
        """Generator loss: minus the critic's score of a fake batch."""
        return -self.critic(self.fake_like(real, n_conditioned)).mean()

    def fake_like(self, real: torch.Tensor, n_conditioned: int) -> torch.Tensor:
        """A generated batch as large as ``real``: the first ``n_conditioned`` rows harmonise the
        real sopranos, the others are free."""
        parts = []
        if n_conditioned:
            parts.append(self.generate(n_conditioned, soprano=real[:n_conditioned, 0].argmax(-1)))
        if real.shape[0] > n_conditioned:
            parts.append(self.generate(real.shape[0] - n_conditioned))
        return torch.cat(parts)
