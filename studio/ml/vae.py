"""MelodyVAE: a MusicVAE-style variational autoencoder for melodies of 2 to 16 bars in any supported metre,
optionally over chords.

Encoder: token embeddings -> bidirectional GRU -> Gaussian posterior ``q(z|x)``.
Decoder: hierarchical, as MusicVAE's: ``z`` and the metre -> a *conductor* GRU that emits one embedding
per bar -> a bar-level GRU that writes that bar's 16th steps autoregressively (``steps_per_bar`` of the
metre: 12 in 6/8, 24 in 3/2), its hidden state reset from the bar embedding at every bar. Every step's
input is the previous token, the bar embedding, an embedding of (metre, position in the bar) and the
chord sounding (:func:`~studio.music.chords.code_features`: its pitch classes, root and a "no chord"
flag). A batch holds one metre, so a bar is never padded.

The KL term is weighted by ``beta`` (annealed in training) above ``free_bits_per_bar`` nats per bar.
New melodies are drawn from a prior fitted to the posterior means of the training windows of each
(metre, bars) pair after training ("ex-post density estimation", Ghosh et al. 2020): a kernel density,
Gaussians of one shared spread on real windows' codes, stored with the weights; N(0, I) only when no fit
is stored. Over chords, decoding favours the chord's notes on the beats (:data:`CHORD_TONE_BONUS`).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from studio.music.chords import FEATURES as CHORD_FEATURES
from studio.music.chords import beat_steps
from studio.music.encoding import FIRST_PITCH_TOKEN, MELODY_RANGE
from studio.music.score import SUPPORTED_METRES, steps_per_bar

WINDOW_BARS = (2, 4, 8, 16)
# Log-odds added to the pitches of the sounding chord on each beat's first step when chords are given
# (the odds of striking a note at all kept): samples from real tunes' codes follow the code more than the
# chord features, and a musician who types "Am F C G" expects the melody to outline it.
CHORD_TONE_BONUS = 2.0
MAX_STEPS_PER_BAR = max(steps_per_bar(m) for m in SUPPORTED_METRES)


@dataclass
class VAEConfig:
    """Hyper-parameters of a :class:`MelodyVAE` (stored in every checkpoint). ``prior_keys`` names the
    fitted prior mixtures (``"6/8:16"``), filled in when the prior is fitted; ``prior_components`` is
    the number of kernel centres of each and ``prior_bandwidth`` their spread as a share of the spread
    of the training windows' posterior means (:func:`studio.training.attributes.fit_latent_prior`).
    ``logvar_floor`` bounds how precisely a window is coded in training: at -10 (std 0.007) most of a
    16-bar window's dimensions sat on it."""

    vocab_size: int = MELODY_RANGE.vocab_size
    embed: int = 32
    enc_hidden: int = 128
    latent: int = 128
    conductor_hidden: int = 128
    dec_hidden: int = 160
    position_embed: int = 16
    metre_embed: int = 8
    max_bars: int = 16
    beta: float = 0.2
    free_bits_per_bar: float = 48.0
    logvar_floor: float = -10.0
    dropout: float = 0.0
    prior_components: int = 256
    prior_bandwidth: float = 0.4
    prior_keys: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def metre_index(metre: str) -> int:
    """Index of ``metre`` in :data:`~studio.music.score.SUPPORTED_METRES` (ValueError for others)."""
    steps_per_bar(metre)
    return SUPPORTED_METRES.index(metre)


class MelodyVAE(nn.Module):
    """Encode, decode, sample, interpolate and vary melodies given as ``(batch, bars * steps_per_bar)``
    token tensors of one metre, with optional ``(batch, steps, CHORD_FEATURES)`` chord features."""

    def __init__(self, config: VAEConfig | None = None):
        super().__init__()
        c = self.config = config or VAEConfig()
        self.start_token = c.vocab_size
        self.embed = nn.Embedding(c.vocab_size + 1, c.embed)
        self.encoder = nn.GRU(c.embed, c.enc_hidden, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * c.enc_hidden, c.latent)
        self.to_logvar = nn.Linear(2 * c.enc_hidden, c.latent)
        self.z_to_conductor = nn.Linear(c.latent, c.conductor_hidden)
        self.metre_embed = nn.Embedding(len(SUPPORTED_METRES), c.metre_embed)
        self.conductor = nn.GRU(c.metre_embed, c.conductor_hidden, batch_first=True)
        self.bar_to_hidden = nn.Linear(c.conductor_hidden, c.dec_hidden)
        self.position_embed = nn.Embedding(len(SUPPORTED_METRES) * MAX_STEPS_PER_BAR, c.position_embed)
        self.decoder = nn.GRU(c.embed + c.conductor_hidden + c.position_embed + CHORD_FEATURES, c.dec_hidden,
                              batch_first=True)
        self.dropout = nn.Dropout(c.dropout)
        self.out = nn.Linear(c.dec_hidden, c.vocab_size)
        self.register_buffer("attributes", torch.zeros(0, c.latent), persistent=True)
        self.attribute_names: list[str] = []
        # Fitted prior mixtures, one per config.prior_keys entry: weights, means and Cholesky factors, one
        # shared by the mixture's components (a kernel prior) or, in checkpoints fitted before it, one each.
        k = c.prior_components
        self.register_buffer("prior_weights", torch.zeros(0, k), persistent=True)
        self.register_buffer("prior_mean", torch.zeros(0, k, c.latent), persistent=True)
        self.register_buffer("prior_scale_tril", torch.zeros(0, c.latent, c.latent), persistent=True)

    @property
    def device(self) -> torch.device:
        return self.out.weight.device

    # -- encoder ---------------------------------------------------------------------------------
    def encode(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Posterior mean and log-variance, each ``(batch, latent)``; the log-variance no lower than
        ``config.logvar_floor`` (only training adds the noise it sets: every other use takes the mean)."""
        _, h = self.encoder(self.embed(tokens))
        h = torch.cat([h[0], h[1]], dim=-1)
        return self.to_mu(h), self.to_logvar(h).clamp(self.config.logvar_floor, 10)

    # -- decoder ---------------------------------------------------------------------------------
    def bar_embeddings(self, z: torch.Tensor, bars: int, metre: str) -> torch.Tensor:
        """The conductor's ``(batch, bars, conductor_hidden)`` output for latent ``z``."""
        h0 = torch.tanh(self.z_to_conductor(z)).unsqueeze(0)
        m = self.metre_embed.weight[metre_index(metre)]
        out, _ = self.conductor(m.expand(z.shape[0], bars, -1).contiguous(), h0)
        return out

    def _step_context(self, metre: str, batch: int, bars: int, chords: torch.Tensor | None) -> torch.Tensor:
        """``(batch, bars * spb, position_embed + CHORD_FEATURES)``: position-in-bar embedding and chord
        features of every step (the "no chord" flag where ``chords`` is ``None``)."""
        spb = steps_per_bar(metre)
        positions = metre_index(metre) * MAX_STEPS_PER_BAR + torch.arange(spb, device=self.device)
        pos = self.position_embed(positions).repeat(bars, 1).expand(batch, -1, -1)
        if chords is None:
            chords = torch.zeros(batch, bars * spb, CHORD_FEATURES, device=self.device)
            chords[..., -1] = 1.0
        return torch.cat([pos, chords.to(self.device, torch.float32)], dim=-1)

    def teacher_forced_logits(self, z: torch.Tensor, tokens: torch.Tensor, metre: str = "4/4",
                              chords: torch.Tensor | None = None) -> torch.Tensor:
        """``(batch, steps, vocab)`` logits with the true previous token as every step's input;
        all bars are decoded in parallel."""
        b, steps = tokens.shape
        spb = steps_per_bar(metre)
        bars = steps // spb
        cond = self.bar_embeddings(z, bars, metre)
        prev = torch.cat([torch.full((b, 1), self.start_token, device=tokens.device, dtype=tokens.dtype),
                          tokens[:, :-1]], dim=1).view(b * bars, spb)
        cond_flat = cond.reshape(b * bars, 1, -1)
        context = self._step_context(metre, b, bars, chords).reshape(b * bars, spb, -1)
        inputs = torch.cat([self.embed(prev), cond_flat.expand(-1, spb, -1), context], dim=-1)
        h0 = torch.tanh(self.bar_to_hidden(cond_flat.squeeze(1))).unsqueeze(0)
        out, _ = self.decoder(self.dropout(inputs), h0)
        return self.out(self.dropout(out)).view(b, steps, -1)

    @torch.no_grad()
    def decode(self, z: torch.Tensor, bars: int, metre: str = "4/4", chords: torch.Tensor | None = None,
               temperature: float = 0.0, generator: torch.Generator | None = None,
               noise: torch.Tensor | None = None) -> torch.Tensor:
        """Tokens ``(batch, bars * steps_per_bar)`` for latents ``z``: greedy when ``temperature`` is 0,
        sampled at that temperature otherwise (Gumbel-max with noise drawn from ``generator``, or the
        given ``noise`` from :meth:`decode_noise`, so a batch can carry each row's own draws).

        The GRU cell is unrolled by hand with the input projections precomputed (the token part as a
        table, the bar part once per bar, the position and chord part once for all steps): the same
        function as ``self.decoder``, several times faster step by step on a CPU."""
        b, hidden, spb = z.shape[0], self.config.dec_hidden, steps_per_bar(metre)
        cond = self.bar_embeddings(z, bars, metre)
        w_ih, w_hh = self.decoder.weight_ih_l0, self.decoder.weight_hh_l0
        e, ch = self.config.embed, self.config.conductor_hidden
        token_proj = self.embed.weight @ w_ih[:, :e].T
        context_proj = self._step_context(metre, b, bars, chords) @ w_ih[:, e + ch:].T
        chord_bonus = None if chords is None else self._chord_tone_bonus(chords, metre)
        if temperature <= 0:
            noise = None
        elif noise is None:
            noise = self.decode_noise(b, bars, metre, generator)
        prev = torch.full((b,), self.start_token, dtype=torch.long, device=z.device)
        out = []
        for bar in range(bars):
            c = cond[:, bar]
            bar_proj = c @ w_ih[:, e:e + ch].T + self.decoder.bias_ih_l0
            h = torch.tanh(self.bar_to_hidden(c))
            for _ in range(spb):
                gi = token_proj[prev] + bar_proj + context_proj[:, len(out)]
                gh = torch.addmm(self.decoder.bias_hh_l0, h, w_hh.T)
                r = torch.sigmoid(gi[:, :hidden] + gh[:, :hidden])
                u_gate = torch.sigmoid(gi[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
                n = torch.tanh(gi[:, 2 * hidden:] + r * gh[:, 2 * hidden:])
                h = n + u_gate * (h - n)
                logits = self.out(h)
                if chord_bonus is not None:
                    logits = _favour_pitches(logits, chord_bonus[:, len(out)])
                if noise is not None:
                    logits = logits / temperature + noise[len(out)]
                prev = logits.argmax(-1)
                out.append(prev)
        return torch.stack(out, dim=1)

    def _chord_tone_bonus(self, chords: torch.Tensor, metre: str) -> torch.Tensor:
        """``(batch, steps, vocab)``: :data:`CHORD_TONE_BONUS` on the pitch tokens of the chord sounding
        at each beat's first step, 0 elsewhere."""
        vocab = self.config.vocab_size
        token_pc = torch.zeros(vocab, 12, device=self.device)
        pitches = torch.arange(FIRST_PITCH_TOKEN, vocab, device=self.device)
        token_pc[pitches, (pitches - FIRST_PITCH_TOKEN + MELODY_RANGE.low) % 12] = 1.0
        pcs = chords[..., :12].to(self.device, torch.float32)
        on_beat = (torch.arange(pcs.shape[1], device=self.device) % beat_steps(metre) == 0).float()
        return CHORD_TONE_BONUS * (pcs @ token_pc.T) * on_beat[None, :, None]

    def decode_noise(self, n: int, bars: int, metre: str = "4/4", generator: torch.Generator | None = None) -> torch.Tensor:
        """Gumbel noise ``(bars * steps_per_bar, n, vocab)`` for sampling ``n`` melodies, drawn on the CPU:
        one bar's draws, the same in every bar, so that bars the conductor means alike come out alike
        (tunes repeat their bars; independent draws in every bar repeat a bar half as often as the data)."""
        spb = steps_per_bar(metre)
        u = torch.rand(spb, n, self.config.vocab_size, generator=generator).clamp_(1e-10, 1 - 1e-10)
        return (-torch.log(-torch.log(u))).repeat(bars, 1, 1).to(self.device)

    # -- training --------------------------------------------------------------------------------
    def forward(self, tokens: torch.Tensor, metre: str = "4/4", chords: torch.Tensor | None = None,
                beta: float | None = None) -> dict[str, torch.Tensor]:
        """Losses for a batch of one metre: ``loss`` (to minimise), ``recon`` and ``kl`` (nats per
        sequence), teacher-forced ``accuracy`` and ``onset_accuracy`` (see :func:`onset_accuracy`)."""
        mu, logvar = self.encode(tokens)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        logits = self.teacher_forced_logits(z, tokens, metre, chords)
        recon = F.cross_entropy(logits.transpose(1, 2), tokens, reduction="none").sum(1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)
        beta = self.config.beta if beta is None else beta
        free_bits = self.config.free_bits_per_bar * tokens.shape[1] / steps_per_bar(metre)
        loss = (recon + beta * torch.clamp(kl - free_bits, min=0)).mean()
        predicted = logits.argmax(-1)
        return {"loss": loss, "recon": recon.mean(), "kl": kl.mean(),
                "accuracy": (predicted == tokens).float().mean(), "onset_accuracy": onset_accuracy(predicted, tokens)}

    # -- musician-facing operations ----------------------------------------------------------------
    def prior_sample(self, n: int, bars: int, metre: str = "4/4", temperature: float = 1.0,
                     generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` latents from the prior for ``bars``-bar melodies in ``metre``, their spread scaled by
        ``temperature``: the fitted mixture of that metre (the nearest window length fitted; 4/4's when
        the metre has none) or N(0, I). Each draw picks a component, then adds its (or the shared)
        Cholesky factor times standard normal noise."""
        eps = torch.randn(n, self.config.latent, generator=generator) * max(temperature, 1e-3)
        k = self._prior_index(metre, bars)
        if k is None:
            return eps.to(self.device)
        weights = self.prior_weights[k].cpu().clamp(min=0)
        component = torch.multinomial(weights / weights.sum(), n, replacement=True, generator=generator)
        mean, tril = self.prior_mean[k].cpu()[component], self.prior_scale_tril[k].cpu()
        if tril.dim() == 3:
            return (mean + torch.einsum("nij,nj->ni", tril[component], eps)).to(self.device)
        return (mean + eps @ tril.T).to(self.device)

    def _prior_index(self, metre: str, bars: int) -> int | None:
        keys = [key.split(":") for key in self.config.prior_keys][:len(self.prior_mean)]
        for wanted in (metre, "4/4"):
            found = [(abs(int(b) - bars), i) for i, (m, b) in enumerate(keys) if m == wanted]
            if found:
                return min(found)[1]
        return None

    def set_latent_prior(self, keys: list[str], weights: torch.Tensor, means: torch.Tensor,
                         scale_trils: torch.Tensor) -> None:
        """Store fitted prior mixtures, one per ``"metre:bars"`` key (``scale_trils``: one Cholesky factor
        per key, shared by its components)."""
        self.config.prior_keys = list(keys)
        self.prior_weights = weights.detach().to(self.device, torch.float32)
        self.prior_mean = means.detach().to(self.device, torch.float32)
        self.prior_scale_tril = scale_trils.detach().to(self.device, torch.float32)

    @torch.no_grad()
    def sample(self, n: int, bars: int = 4, metre: str = "4/4", chords: torch.Tensor | None = None,
               temperature: float = 1.0, generator: torch.Generator | None = None,
               attributes: dict[str, float] | None = None) -> torch.Tensor:
        """``n`` new melodies from the prior (latent spread scaled by ``temperature``, tokens sampled at
        half of it), optionally over chord features and pushed along attribute vectors."""
        z = self.apply_attributes(self.prior_sample(n, bars, metre, temperature, generator), attributes)
        return self.decode(z, bars, metre, chords, temperature=temperature * 0.5, generator=generator)

    @torch.no_grad()
    def reconstruct(self, tokens: torch.Tensor, metre: str = "4/4", chords: torch.Tensor | None = None) -> torch.Tensor:
        """Greedy decoding from the posterior mean."""
        mu, _ = self.encode(tokens)
        return self.decode(mu, tokens.shape[1] // steps_per_bar(metre), metre, chords)

    @torch.no_grad()
    def interpolate(self, a: torch.Tensor, b: torch.Tensor, steps: int, metre: str = "4/4") -> torch.Tensor:
        """``steps`` melodies on the spherical path between the encodings of ``a`` and ``b``
        (each ``(steps_len,)`` tokens); the ends are their reconstructions."""
        za, _ = self.encode(a.unsqueeze(0))
        zb, _ = self.encode(b.unsqueeze(0))
        z = torch.cat([slerp(za, zb, float(t)) for t in torch.linspace(0, 1, steps)])
        return self.decode(z, a.shape[0] // steps_per_bar(metre), metre)

    @torch.no_grad()
    def vary(self, tokens: torch.Tensor, amount: float, count: int, metre: str = "4/4",
             chords: torch.Tensor | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
        """``count`` variations of one melody: its latent moved towards random prior points by
        ``amount`` (0 = the reconstruction, 1 = unrelated samples) along a great circle."""
        bars = tokens.shape[0] // steps_per_bar(metre)
        mu, _ = self.encode(tokens.unsqueeze(0))
        noise = self.prior_sample(count, bars, metre, generator=generator)
        z = torch.cat([slerp(mu, noise[i:i + 1], amount) for i in range(count)])
        return self.decode(z, bars, metre, None if chords is None else chords.expand(count, -1, -1))

    def set_attributes(self, names: list[str], vectors: torch.Tensor) -> None:
        """Store attribute vectors (one latent direction per name)."""
        self.attribute_names = list(names)
        self.attributes = vectors.detach().to(self.device, torch.float32)

    def apply_attributes(self, z: torch.Tensor, attributes: dict[str, float] | None) -> torch.Tensor:
        """``z`` plus ``amount`` times each named attribute vector."""
        for name, amount in (attributes or {}).items():
            if name not in self.attribute_names:
                raise KeyError(f"unknown attribute {name!r}; known: {', '.join(self.attribute_names)}")
            z = z + amount * self.attributes[self.attribute_names.index(name)]
        return z


def _favour_pitches(logits: torch.Tensor, bonus: torch.Tensor) -> torch.Tensor:
    """``logits`` with ``bonus`` added to the pitch tokens, the pitch tokens then shifted together so
    that the probability of striking a note (against rest and hold) stays as it was."""
    pitch, boosted = logits[:, FIRST_PITCH_TOKEN:], logits[:, FIRST_PITCH_TOKEN:] + bonus[:, FIRST_PITCH_TOKEN:]
    shift = torch.logsumexp(pitch, -1, keepdim=True) - torch.logsumexp(boosted, -1, keepdim=True)
    return torch.cat([logits[:, :FIRST_PITCH_TOKEN], boosted + shift], dim=-1)


def onset_accuracy(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Share of note onsets right: steps where the prediction and the target strike the same pitch,
    over the steps where either strikes a note (a missed onset and an extra one both count against)."""
    pred_on, true_on = predicted >= FIRST_PITCH_TOKEN, target >= FIRST_PITCH_TOKEN
    hits = (pred_on & (predicted == target)).sum()
    return hits.float() / (pred_on | true_on).sum().clamp(min=1).float()


def slerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """Spherical interpolation between latent rows ``a`` and ``b`` (linear when nearly parallel)."""
    an, bn = a / a.norm(dim=-1, keepdim=True), b / b.norm(dim=-1, keepdim=True)
    omega = torch.acos((an * bn).sum(-1, keepdim=True).clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    if float(so.abs().min()) < 1e-6:
        return (1 - t) * a + t * b
    return torch.sin((1 - t) * omega) / so * a + torch.sin(t * omega) / so * b


def kl_weight(step: int, warmup: int, beta: float) -> float:
    """KL annealing: a smooth ramp from 0 to ``beta`` over ``warmup`` steps."""
    if warmup <= 0:
        return beta
    return beta * 0.5 * (1 - math.cos(math.pi * min(1.0, step / warmup)))
