"""Item vectors from models outside the recommender, for the content model's dense blocks
(:class:`recommender.algorithms.content.ItemContent`): MiniLM text embeddings of an item's title and tags,
and the melody VAE's latent means of items with notes.

They are computed at indexing and training time only (``index_sounds``, ``train_recommender``, the
``recommender.train`` job), never in a request: each model is loaded lazily in the process that needs
it, and the vectors are kept in ``.npz`` files beside the model versions, keyed by item id and a hash of
the input, so a retrain encodes only new or changed items. Without the packaged encoder or the VAE
checkpoint the blocks are left out (logged) and the content model uses tags alone.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path

import numpy as np

from .algorithms.content import centred_rows
from .algorithms.symbolic import melody_windows, sound_block, vae_means

TEXT_FILE = "text-minilm.npz"
SOUND_FILE = "sound-vae.npz"
TEXT_TAGS = 5
BATCH = 128

log = logging.getLogger(__name__)
_encoder: dict = {}
_encoder_lock = threading.Lock()


def item_text(title: str, tags) -> str:
    """What the text embedding reads: the title and the first tags."""
    tags = [str(t) for t in (tags or [])][:TEXT_TAGS]
    return f"{title}. {', '.join(tags)}" if tags else str(title)


def _digest(value: str) -> bytes:
    return hashlib.sha1(value.encode("utf-8")).hexdigest().encode()


def read_store(path: Path) -> dict:
    """item id -> (input hash, vector) from a store written by :func:`write_store` (empty if missing)."""
    if not Path(path).exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {int(i): (k, v) for i, k, v in zip(stored["ids"], stored["keys"], stored["vectors"])}
    except (OSError, ValueError, KeyError):
        log.warning("Item vector store %s is unreadable; it will be rebuilt.", path)
        return {}


def write_store(path: Path, entries: dict) -> None:
    """Write item id -> (input hash, vector) atomically."""
    ids = np.array(sorted(entries), dtype=np.int64)
    keys = np.array([entries[i][0] for i in ids], dtype="S40")
    vectors = np.array([entries[i][1] for i in ids], dtype=np.float32)
    tmp = Path(path).with_name(Path(path).name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, ids=ids, keys=keys, vectors=vectors)
    os.replace(tmp, path)


def encode_texts(texts: list[str]) -> np.ndarray:
    """Unit-norm MiniLM embeddings (texts x 384), the encoder loaded once per process."""
    import torch

    from perception.lyrics.analysis.emotion import load_base_encoder, mean_pool

    with _encoder_lock:
        if "model" not in _encoder:
            _encoder["model"] = load_base_encoder(torch.device("cpu"))
    tokenizer, encoder = _encoder["model"]
    out = []
    with torch.no_grad():
        for start in range(0, len(texts), BATCH):
            enc = tokenizer(texts[start:start + BATCH], padding=True, truncation=True, max_length=64,
                            return_tensors="pt")
            pooled = mean_pool(encoder(**enc).last_hidden_state, enc["attention_mask"])
            out.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
    return np.vstack(out).astype(np.float32)


def melody_latents(voices_per_piece: list[list[list]]) -> np.ndarray:
    """The melody VAE's latent mean of each piece (pieces x latent; zeros without a 4-bar window).
    The one place the recommender calls the studio's VAE."""
    from studio.services import get_model

    vae = get_model("vae")
    return vae_means(vae, [melody_windows(voices) for voices in voices_per_piece])


def _cached(path: Path, inputs: dict, compute, encode: bool) -> dict:
    """item id -> vector for ``inputs`` (item id -> (hash, input)), computing the missing ones with
    ``compute`` (list of inputs -> array) when ``encode``; the store keeps the current items only."""
    stored = read_store(path)
    fresh = {i: stored[i] for i, (key, _v) in inputs.items() if i in stored and stored[i][0] == key}
    missing = [i for i in inputs if i not in fresh]
    if missing and encode:
        try:
            vectors = compute([inputs[i][1] for i in missing])
        except Exception as exc:  # noqa: BLE001 - a missing model leaves the block out, logged
            log.warning("Item vectors for %s not computed (%s: %s); content uses the other blocks.",
                        path.name, exc.__class__.__name__, exc)
        else:
            fresh.update({i: (inputs[i][0], v) for i, v in zip(missing, vectors)})
            write_store(path, fresh)
    return {i: v for i, (_k, v) in fresh.items()}


def text_vectors(folder: Path, items: list[tuple[int, str, list]], encode: bool = True) -> np.ndarray | None:
    """The text block of ``items`` ((pk, title, tags) in column order): MiniLM vectors centred on their
    mean (``content.centred_rows``), rows of unit norm, zero where none is stored and ``encode`` is false;
    None when no item has one."""
    inputs = {}
    for pk, title, tags in items:
        text = item_text(title, tags)
        inputs[int(pk)] = (_digest(text), text)
    vectors = _cached(Path(folder) / TEXT_FILE, inputs, encode_texts, encode)
    ordered = _in_order([pk for pk, _t, _g in items], vectors)
    return None if ordered is None else centred_rows(ordered)


def sound_vectors(folder: Path, scores: dict, fingerprints: dict, order: list[int],
                  encode: bool = True) -> np.ndarray | None:
    """The sound block of the items ``order`` (pks in column order): each item's fingerprint
    (``fingerprints``: pk -> vector) beside its melody-VAE latent (``scores``: pk -> studio score dict,
    latents cached by a hash of the notes; with ``encode`` false, the stored latents as they are),
    combined by ``symbolic.sound_block``; None without any."""
    from .sounds import voices_of

    inputs = {int(pk): (_digest(json.dumps(score.get("notes") or [], sort_keys=True)), score)
              for pk, score in scores.items()}
    if encode:
        latents = _cached(Path(folder) / SOUND_FILE, inputs,
                          lambda chunk: melody_latents([voices_of(s) for s in chunk]), encode)
    else:
        latents = {i: v for i, (_k, v) in read_store(Path(folder) / SOUND_FILE).items()}
    prints = _in_order(order, {int(k): np.asarray(v, dtype=np.float32) for k, v in fingerprints.items()})
    vae = _in_order(order, latents)
    if prints is None and vae is None:
        return None
    n = len(order)
    return sound_block(prints if prints is not None else np.zeros((n, 0)),
                       vae if vae is not None else np.zeros((n, 0)))


def _in_order(order: list[int], vectors: dict) -> np.ndarray | None:
    if not vectors:
        return None
    dim = len(next(iter(vectors.values())))
    out = np.zeros((len(order), dim), dtype=np.float32)
    for row, pk in enumerate(order):
        v = vectors.get(int(pk))
        if v is not None and len(v) == dim:
            out[row] = v
    return out
