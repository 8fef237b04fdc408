"""The studio's model calls through the batcher (``motif.inference``): concurrent jobs share one
forward pass of the VAE or the GAN, and each gets exactly what the unbatched call with its seed gives.

Every random draw of a request (latents, Gumbel noise) is made here, in the caller's thread, with
the request's own generator and in the order the model's own method draws them; only then are the
requests stacked. Requests share a pass only when what must match does (the model, bars, the
sampling temperature). Each function returns CPU tensors, one row per requested item. Torch is
imported on first use, as in ``studio.services``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from motif.inference.serving import infer
from studio.music.score import STEPS_PER_BAR

if TYPE_CHECKING:
    import numpy as np
    import torch


def _split(rows: torch.Tensor, counts: list[int]) -> list[torch.Tensor]:
    return list(rows.cpu().split(counts))


def vae_sample(vae, count: int, bars: int, temperature: float, generator: torch.Generator,
               attributes: dict[str, float] | None = None) -> torch.Tensor:
    """``vae.sample(count, bars, temperature, generator, attributes)``, batched."""
    z = vae.apply_attributes(vae.prior_sample(count, bars, temperature, generator), attributes)
    tau = temperature * 0.5
    noise = vae.decode_noise(count, bars, generator) if tau > 0 else None
    return infer("vae", (vae, "sample", bars, tau), (z, noise), _decode_sampled, rows=count, device=str(vae.device))


def _decode_sampled(key, payloads):
    import torch

    vae, _, bars, tau = key
    z = torch.cat([p[0] for p in payloads])
    noise = torch.cat([p[1] for p in payloads], dim=1) if tau > 0 else None
    return _split(vae.decode(z, bars, tau, noise=noise), [len(p[0]) for p in payloads])


def vae_vary(vae, tokens: torch.Tensor, amount: float, count: int, generator: torch.Generator) -> torch.Tensor:
    """``vae.vary(tokens, amount, count, generator)``, batched."""
    bars = tokens.shape[0] // STEPS_PER_BAR
    noise = vae.prior_sample(count, bars, generator=generator)
    return infer("vae", (vae, "vary", bars), (tokens, amount, noise), _decode_varied, rows=count,
                 device=str(vae.device))


def _decode_varied(key, payloads):
    import torch

    from studio.ml.vae import slerp

    vae, _, bars = key
    with torch.no_grad():
        mus, _ = vae.encode(torch.stack([p[0] for p in payloads]))
    z = torch.cat([slerp(mus[i:i + 1], noise[k:k + 1], amount)
                   for i, (_, amount, noise) in enumerate(payloads) for k in range(len(noise))])
    return _split(vae.decode(z, bars), [len(p[2]) for p in payloads])


def vae_interpolate(vae, a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """``vae.interpolate(a, b, steps)``, batched."""
    bars = a.shape[0] // STEPS_PER_BAR
    return infer("vae", (vae, "interpolate", bars), (a, b, steps), _decode_interpolated, rows=steps,
                 device=str(vae.device))


def _decode_interpolated(key, payloads):
    import torch

    from studio.ml.vae import slerp

    vae, _, bars = key
    with torch.no_grad():
        ends, _ = vae.encode(torch.stack([t for p in payloads for t in p[:2]]))
    z = torch.cat([slerp(ends[2 * i:2 * i + 1], ends[2 * i + 1:2 * i + 2], float(t))
                   for i, (_, _, steps) in enumerate(payloads) for t in torch.linspace(0, 1, steps)])
    return _split(vae.decode(z, bars), [p[2] for p in payloads])


def gan_sample(gan, count: int, generator: torch.Generator, temperature: float = 1.0,
               soprano: np.ndarray | None = None, metre: str = "4/4") -> torch.Tensor:
    """``gan.sample(count, soprano, metre, generator, temperature)``, batched (free or harmonising)."""
    latents = gan.latents(count, generator, temperature)
    kind = "sample" if soprano is None else "harmonize"
    return infer("gan", (gan, kind, metre), (latents, soprano), _generate, rows=count, device=str(gan.device))


def _generate(key, payloads):
    import numpy as np
    import torch

    gan, kind, metre = key
    latents = {name: torch.cat([p[0][name] for p in payloads]) for name in payloads[0][0]}
    soprano = None if kind == "sample" else np.concatenate([p[1] for p in payloads])
    rolls = gan.sample(len(latents["shared"]), soprano=soprano, metre=metre, latents=latents)
    return _split(rolls, [len(p[0]["shared"]) for p in payloads])
