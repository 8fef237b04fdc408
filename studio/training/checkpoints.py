"""Saving and loading studio model checkpoints: weights plus config, metrics and the data hash."""
from __future__ import annotations

from pathlib import Path

import torch

from studio.models import default_device
from studio.models.gan import GANConfig, HarmonyGAN
from studio.models.vae import MelodyVAE, VAEConfig

FILENAMES = {"vae": "melody_vae.pt", "gan": "harmony_gan.pt"}


def build_model(kind: str, config: dict):
    """A fresh model of ``kind`` from a config dict."""
    if kind == "vae":
        return MelodyVAE(VAEConfig(**config))
    if kind == "gan":
        return HarmonyGAN(GANConfig(**config))
    raise ValueError(f"unknown model kind {kind!r}")


def save_checkpoint(path: Path, kind: str, model, meta: dict, optimizer_state: dict | None = None) -> None:
    """Write a checkpoint atomically. ``meta`` holds metrics, data hash, training info..."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    payload = {"kind": kind, "config": model.config.to_dict(), "state_dict": state, "meta": meta,
               "attribute_names": getattr(model, "attribute_names", [])}
    if optimizer_state is not None:
        payload["optimizer"] = optimizer_state
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)


def load_weights(model, state: dict) -> None:
    """Load a state dict, first giving the VAE's fitted buffers the stored shapes; a VAE saved before
    the latent prior was fitted keeps the N(0, I) prior."""
    state = dict(state)
    for name in ("attributes", "prior_mean", "prior_scale_tril"):
        if name in state:
            setattr(model, name, torch.zeros_like(state[name]))
    if isinstance(model, MelodyVAE):
        for name in ("prior_mean", "prior_scale_tril"):
            state.setdefault(name, getattr(model, name))
    model.load_state_dict(state)


def load_checkpoint(path: Path, device: torch.device | None = None):
    """``(model, payload)`` from a checkpoint, the model in eval mode on ``device`` (default: CUDA
    when present)."""
    payload = torch.load(Path(path), map_location="cpu", weights_only=False)
    model = build_model(payload["kind"], payload["config"])
    load_weights(model, payload["state_dict"])
    if payload.get("attribute_names"):
        model.attribute_names = list(payload["attribute_names"])
    return model.to(device or default_device()).eval(), payload
