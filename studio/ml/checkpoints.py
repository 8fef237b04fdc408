"""Saving and loading studio model checkpoints without pickle.

A checkpoint is one ``.safetensors`` file: the model's tensors (the weights and the VAE's fitted
buffers: attribute vectors and latent prior) and, in the file's metadata, one JSON document with the
model kind, config, attribute names and training meta (metrics, data hash, history). Reading one
parses tensors and JSON only, so a file in ``MOTIF_MODEL_DIR`` cannot run code when it is loaded.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from studio.ml import CONVERT_HINT, FILENAMES, LEGACY_SUFFIX  # noqa: F401  (re-exported)
from studio.ml.device import default_device
from studio.ml.gan import GANConfig, HarmonyGAN
from studio.ml.vae import MelodyVAE, VAEConfig


HEADER_KEY = "motif"


class CheckpointError(ValueError):
    """A file that is not a readable studio checkpoint."""


def build_model(kind: str, config: dict):
    """A fresh model of ``kind`` from a config dict."""
    if kind == "vae":
        return MelodyVAE(VAEConfig(**config))
    if kind == "gan":
        return HarmonyGAN(GANConfig(**config))
    raise ValueError(f"unknown model kind {kind!r}")


def _write(path: Path, tensors: dict, header: dict) -> None:
    """Write tensors plus the JSON header atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    tmp = path.with_name(path.name + ".tmp")
    save_file(plain, tmp, metadata={HEADER_KEY: json.dumps(header)})
    tmp.replace(path)


def save_checkpoint(path: Path, kind: str, model, meta: dict) -> None:
    """Write a checkpoint atomically. ``meta`` (JSON-serialisable) holds metrics, data hash, training info..."""
    _write(path, model.state_dict(), {"kind": kind, "config": model.config.to_dict(), "meta": meta,
                                      "attribute_names": list(getattr(model, "attribute_names", []))})


def read_checkpoint(path: Path) -> dict:
    """The checkpoint's payload: ``kind``, ``config``, ``meta``, ``attribute_names`` and ``state_dict``
    (CPU tensors). Raises :class:`CheckpointError` for anything else, including an old pickled ``.pt``."""
    path = Path(path)
    if path.suffix == LEGACY_SUFFIX:
        raise CheckpointError(f"{path} is an old pickled checkpoint, which is never loaded; {CONVERT_HINT} {path}")
    try:
        with safe_open(str(path), framework="pt") as fh:
            header = json.loads((fh.metadata() or {})[HEADER_KEY])
        state = load_file(str(path))
    except (SafetensorError, KeyError, json.JSONDecodeError, OSError) as exc:
        raise CheckpointError(f"{path} is not a studio checkpoint ({exc.__class__.__name__}: {exc})") from None
    return {**header, "state_dict": state}


def convert_legacy_checkpoint(source: Path, target: Path | None = None) -> Path:
    """Rewrite an old pickled ``.pt`` checkpoint as safetensors plus JSON (``target`` defaults to the same
    name with ``.safetensors``). The old file is read with ``torch.load(weights_only=True)``: tensors and
    plain containers only."""
    source = Path(source)
    target = Path(target) if target else source.with_suffix(".safetensors")
    payload = torch.load(source, map_location="cpu", weights_only=True)
    try:
        header = {"kind": payload["kind"], "config": payload["config"], "meta": payload.get("meta", {}),
                  "attribute_names": list(payload.get("attribute_names", []))}
        state = payload["state_dict"]
    except (KeyError, TypeError) as exc:
        raise CheckpointError(f"{source} is not a studio checkpoint (no {exc})") from None
    load_weights(build_model(header["kind"], header["config"]), state)  # refuses weights that do not fit
    _write(target, state, header)
    return target


def load_weights(model, state: dict) -> None:
    """Load a state dict, first giving the VAE's fitted buffers the stored shapes; a VAE saved before
    the latent prior was fitted keeps the N(0, I) prior."""
    state = dict(state)
    for name in ("attributes", "prior_weights", "prior_mean", "prior_scale_tril"):
        if name in state:
            setattr(model, name, torch.zeros_like(state[name], device=getattr(model, name).device))
    if isinstance(model, MelodyVAE):
        for name in ("prior_weights", "prior_mean", "prior_scale_tril"):
            state.setdefault(name, getattr(model, name))
    model.load_state_dict(state)


def grow_weights(model, state: dict) -> list[str]:
    """Copy an older, smaller architecture's weights into ``model`` (warm start): a tensor of the same
    shape is copied, one that grew (more input columns, say) gets the old values in its leading block
    and zeros elsewhere, so new inputs start out ignored. Fitted buffers are not copied. Returns the
    names of the parameters that were grown; ValueError when a tensor does not fit (a smaller layer)."""
    own = model.state_dict()
    grown = []
    with torch.no_grad():
        for name, old in state.items():
            if name not in own or name in ("attributes", "prior_weights", "prior_mean", "prior_scale_tril"):
                continue
            new = own[name]
            if new.shape == old.shape:
                new.copy_(old)
            elif new.dim() == old.dim() and all(n >= o for n, o in zip(new.shape, old.shape)):
                new.zero_()
                new[tuple(slice(0, o) for o in old.shape)] = old
                grown.append(name)
            else:
                raise ValueError(f"{name} has shape {tuple(old.shape)}, which does not fit {tuple(new.shape)}")
    return grown


def load_checkpoint(path: Path, device: torch.device | None = None):
    """``(model, payload)`` from a checkpoint, the model in eval mode on ``device`` (default: CUDA
    when present)."""
    payload = read_checkpoint(path)
    model = build_model(payload["kind"], payload["config"])
    load_weights(model, payload["state_dict"])
    if payload.get("attribute_names"):
        model.attribute_names = list(payload["attribute_names"])
    return model.to(device or default_device()).eval(), payload
