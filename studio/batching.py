"""The studio's model calls through the batcher (``motif.inference``): concurrent jobs share one
forward pass of the VAE or the GAN, and each gets exactly what the unbatched call with its seed gives.

Every random draw of a request (latents, Gumbel noise) is made here, in the caller's thread, with
the request's own generator and in the order the model's own method draws them; only then are the
requests stacked. Requests share a pass only when what must match does (the model, bars, the
sampling temperature, the metre, whether chords condition it). Each function returns CPU tensors, one row per requested item. Torch is
imported on first use, as in ``studio.services``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from motif.inference.serving import infer
from studio.music.score import steps_per_bar

if TYPE_CHECKING:
    import numpy as np
    import torch


def _split(rows: torch.Tensor, counts: list[int]) -> list[torch.Tensor]:
    return list(rows.cpu().split(counts))


def vae_sample(vae, count: int, bars: int, metre: str, chords: torch.Tensor | None, temperature: float,
               generator: torch.Generator, attributes: dict[str, float] | None = None) -> torch.Tensor:
    """``vae.sample(count, bars, metre, chords, temperature, generator, attributes)``, batched."""
    z = vae.apply_attributes(vae.prior_sample(count, bars, metre, temperature, generator), attributes)
    tau = temperature * 0.5
    noise = vae.decode_noise(count, bars, metre, generator) if tau > 0 else None
    key = (vae, "sample", bars, metre, tau, chords is not None)
    return infer("vae", key, (z, noise, chords), _decode_sampled, rows=count, device=str(vae.device))


def _decode_sampled(key, payloads):
    import torch

    vae, _, bars, metre, tau, with_chords = key
    z = torch.cat([p[0] for p in payloads])
    noise = torch.cat([p[1] for p in payloads], dim=1) if tau > 0 else None
    chords = torch.cat([p[2] for p in payloads]) if with_chords else None
    return _split(vae.decode(z, bars, metre, chords, temperature=tau, noise=noise), [len(p[0]) for p in payloads])


def vae_vary(vae, tokens: torch.Tensor, amount: float, count: int, metre: str, chords: torch.Tensor | None,
             generator: torch.Generator) -> torch.Tensor:
    """``vae.vary(tokens, amount, count, metre, chords, generator)``, batched."""
    bars = tokens.shape[0] // steps_per_bar(metre)
    noise = vae.prior_sample(count, bars, metre, generator=generator)
    key = (vae, "vary", bars, metre, chords is not None)
    return infer("vae", key, (tokens, amount, noise, chords), _decode_varied, rows=count, device=str(vae.device))


def _decode_varied(key, payloads):
    import torch

    from studio.ml.vae import slerp

    vae, _, bars, metre, with_chords = key
    with torch.no_grad():
        mus, _ = vae.encode(torch.stack([p[0] for p in payloads]))
    z = torch.cat([slerp(mus[i:i + 1], noise[k:k + 1], amount)
                   for i, (_, amount, noise, _) in enumerate(payloads) for k in range(len(noise))])
    chords = (torch.cat([c.expand(len(noise), -1, -1) for _, _, noise, c in payloads]) if with_chords else None)
    return _split(vae.decode(z, bars, metre, chords), [len(p[2]) for p in payloads])


def vae_interpolate(vae, a: torch.Tensor, b: torch.Tensor, steps: int, metre: str) -> torch.Tensor:
    """``vae.interpolate(a, b, steps, metre)``, batched."""
    bars = a.shape[0] // steps_per_bar(metre)
    return infer("vae", (vae, "interpolate", bars, metre), (a, b, steps), _decode_interpolated, rows=steps,
                 device=str(vae.device))


def _decode_interpolated(key, payloads):
    import torch

    from studio.ml.vae import slerp

    vae, _, bars, metre = key
    with torch.no_grad():
        ends, _ = vae.encode(torch.stack([t for p in payloads for t in p[:2]]))
    z = torch.cat([slerp(ends[2 * i:2 * i + 1], ends[2 * i + 1:2 * i + 2], float(t))
                   for i, (_, _, steps) in enumerate(payloads) for t in torch.linspace(0, 1, steps)])
    return _split(vae.decode(z, bars, metre), [p[2] for p in payloads])


def gan_sample(gan, count: int, generator: torch.Generator, temperature: float = 1.0,
               soprano: np.ndarray | None = None, metre: str = "4/4",
               allowed: np.ndarray | None = None) -> torch.Tensor:
    """``gan.sample(count, soprano, metre, generator, temperature, allowed=allowed)``, batched (free
    or harmonising)."""
    latents = gan.latents(count, generator, temperature)
    kind = "sample" if soprano is None else "harmonize"
    return infer("gan", (gan, kind, metre), (latents, soprano, allowed), _generate, rows=count, device=str(gan.device))


def _generate(key, payloads):
    import numpy as np
    import torch

    gan, kind, metre = key
    latents = {name: torch.cat([p[0][name] for p in payloads]) for name in payloads[0][0]}
    soprano = None if kind == "sample" else np.concatenate([p[1] for p in payloads])
    allowed = None
    if any(p[2] is not None for p in payloads):
        shape = (gan.config.steps, gan.config.classes)
        allowed = np.concatenate([p[2] if p[2] is not None else np.ones((len(p[0]["shared"]),) + shape, dtype=bool)
                                  for p in payloads])
    rolls = gan.sample(len(latents["shared"]), soprano=soprano, metre=metre, latents=latents, allowed=allowed)
    return _split(rolls, [len(p[0]["shared"]) for p in payloads])
