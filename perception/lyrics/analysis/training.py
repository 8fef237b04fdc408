"""Train the emotion models: a linear head on frozen MiniLM (baseline) and a
fine-tuned top-of-encoder model (default). Plain Python + torch.

Run through ``manage.py train_lyrics_models`` or ``python -m perception.lyrics.analysis.training``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import math
import os
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .emotion import (
    BASELINE_FILE,
    CHECKPOINT_DIR,
    DEFAULT_FILE,
    LABELS,
    EmotionClassifier,
    EmotionHead,
    load_base_encoder,
    mean_pool,
    pack_checkpoint,
    pick_device,
)

log = logging.getLogger("perception.lyrics.analysis.training")
DEFAULT_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "emotion-dair"
CACHE_DIR = Path(os.environ.get("MOTIF_CACHE_DIR", Path.home() / ".cache" / "motif")) / "lyrics"


@dataclass
class TrainConfig:
    data: str = str(DEFAULT_DATA)
    out: str = str(CHECKPOINT_DIR)
    trainable_layers: int = 2  # top encoder layers fine-tuned for the default model
    epochs: int = 2  # the learning-rate schedule spans this many epochs
    stop_after: int = 1  # ...but training stops after this many (0: all); see MODEL_CARD.md
    batch_size: int = 32
    max_length: int = 48
    lr_encoder: float = 2e-4
    lr_head: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    baseline_l2: float = 1e-4
    seed: int = 13
    limit: int = 0  # use only the first N training rows (tests, smoke runs)
    threads: int = 1
    skip_finetune: bool = False
    calibrate_only: bool = False  # refit the mood confidence on the shipped default model only
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- data
def read_split(path: Path, limit: int = 0) -> tuple[list[str], np.ndarray]:
    """Read ``text;label`` rows (split on the last ';'); the header row is skipped."""
    texts, labels = [], []
    index = {label: i for i, label in enumerate(LABELS)}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if ";" not in line:
                continue
            text, label = line.rsplit(";", 1)
            if label not in index:
                continue  # header or an unknown label
            texts.append(text)
            labels.append(index[label])
            if limit and len(texts) >= limit:
                break
    return texts, np.asarray(labels, dtype=np.int64)


def metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Accuracy, macro-F1 and per-label F1 (no sklearn needed)."""
    per_label = {}
    for i, label in enumerate(LABELS):
        tp = int(((y_pred == i) & (y_true == i)).sum())
        fp = int(((y_pred == i) & (y_true != i)).sum())
        fn = int(((y_pred != i) & (y_true == i)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_label[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": round(float((y_true == y_pred).mean()), 4) if len(y_true) else 0.0,
        "macro_f1": round(float(np.mean(list(per_label.values()))), 4),
        "f1": {k: round(v, 4) for k, v in per_label.items()},
        "n": int(len(y_true)),
    }


def length_batches(lengths: list[int], batch_size: int, rng: random.Random, shuffle: bool = True) -> list[list[int]]:
    """Batches of similar length (less padding), in random order when shuffling."""
    order = list(range(len(lengths)))
    if shuffle:
        rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    if shuffle:
        rng.shuffle(batches)
    return batches


# --------------------------------------------------------------------------- baseline
@torch.inference_mode()
def embed_frozen(texts: list[str], tokenizer, encoder, max_length: int, batch_size: int = 128) -> np.ndarray:
    """Mean-pooled (not yet normalised) embeddings of the frozen encoder, cached on disk."""
    key = hashlib.md5(("\n".join(texts) + f"|{max_length}").encode()).hexdigest()[:16]
    cache = CACHE_DIR / f"minilm-{key}.npy"
    if cache.exists():
        return np.load(cache)
    device = next(encoder.parameters()).device
    lengths = [len(t) for t in texts]
    out = np.zeros((len(texts), encoder.config.hidden_size), dtype=np.float32)
    for idx in length_batches(lengths, batch_size, random.Random(0), shuffle=False):
        batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                          max_length=max_length, return_tensors="pt").to(device)
        pooled = mean_pool(encoder(**batch).last_hidden_state, batch["attention_mask"])
        out[idx] = pooled.cpu().numpy()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(cache, out)
    return out


def train_linear_head(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 200) -> EmotionHead:
    """Full-batch L-BFGS on cross-entropy + L2: the softmax regression baseline."""
    torch.manual_seed(0)
    head = EmotionHead(dim=x.shape[1])
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    optimizer = torch.optim.LBFGS(head.parameters(), lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")
    loss_fn = nn.CrossEntropyLoss()

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(head(xt), yt) + l2 * head.linear.weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return head


def predict_head(head: EmotionHead, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return head(torch.from_numpy(x)).argmax(-1).numpy()


# --------------------------------------------------------------------------- fine-tune
def run_layers(encoder: nn.Module, hidden: torch.Tensor, mask: torch.Tensor, start: int, stop: int) -> torch.Tensor:
    """Run encoder layers ``start..stop-1`` on hidden states with a 2-D padding mask."""
    from transformers.masking_utils import create_bidirectional_mask

    attention = create_bidirectional_mask(config=encoder.config, inputs_embeds=hidden, attention_mask=mask)
    for layer in encoder.encoder.layer[start:stop]:
        hidden = layer(hidden, attention)
    return hidden


@torch.inference_mode()
def cache_frozen(texts: list[str], tokenizer, encoder, split: int, max_length: int,
                 batch_size: int = 128) -> list[torch.Tensor]:
    """The frozen part's output (embeddings + layers below ``split``) per text, fp16, unpadded.

    The frozen layers see every text once instead of once per epoch, and no padding is stored.
    """
    device = next(encoder.parameters()).device
    out: list[torch.Tensor | None] = [None] * len(texts)
    for idx in length_batches([len(t) for t in texts], batch_size, random.Random(0), shuffle=False):
        batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                          max_length=max_length, return_tensors="pt").to(device)
        hidden = encoder.embeddings(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"])
        hidden = run_layers(encoder, hidden, batch["attention_mask"], 0, split)
        for row, i in enumerate(idx):
            n = int(batch["attention_mask"][row].sum())
            out[i] = hidden[row, :n].to(torch.float16).cpu().clone()
    return out  # type: ignore[return-value]


def pad_cached(items: list[torch.Tensor], device) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(t.shape[0] for t in items)
    hidden = torch.zeros(len(items), longest, items[0].shape[1])
    mask = torch.zeros(len(items), longest, dtype=torch.long)
    for row, t in enumerate(items):
        hidden[row, : t.shape[0]] = t.float()
        mask[row, : t.shape[0]] = 1
    return hidden.to(device), mask.to(device)


def top_logits(encoder, head, hidden, mask, split: int) -> torch.Tensor:
    top = run_layers(encoder, hidden, mask, split, encoder.config.num_hidden_layers)
    return head(mean_pool(top, mask))


def finetune(cfg: TrainConfig, train: tuple[list[str], np.ndarray], val: tuple[list[str], np.ndarray],
             init_head: EmotionHead, device: torch.device) -> tuple[nn.Module, EmotionHead, dict, list[dict]]:
    """Fine-tune the top ``cfg.trainable_layers`` encoder layers and the head; the rest stays frozen."""
    from safetensors.torch import save_file

    tokenizer, encoder = load_base_encoder(device)
    base_state = {k: v.detach().cpu().clone() for k, v in encoder.state_dict().items()}
    split = encoder.config.num_hidden_layers - cfg.trainable_layers
    trainable = tuple(f"encoder.layer.{i}." for i in range(split, encoder.config.num_hidden_layers))
    for name, param in encoder.named_parameters():
        param.requires_grad = name.startswith(trainable)
    head = EmotionHead(dim=encoder.config.hidden_size).to(device)
    head.load_state_dict(init_head.state_dict())

    started = time.time()
    cached_train = cache_frozen(train[0], tokenizer, encoder, split, cfg.max_length)
    cached_val = cache_frozen(val[0], tokenizer, encoder, split, cfg.max_length)
    log.info("cached the %d frozen layers' output in %.0f s", split, time.time() - started)

    labels = train[1]
    lengths = [t.shape[0] for t in cached_train]
    rng = random.Random(cfg.seed)
    steps_per_epoch = math.ceil(len(cached_train) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    warmup = max(1, int(total * cfg.warmup))
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in encoder.parameters() if p.requires_grad], "lr": cfg.lr_encoder},
            {"params": head.parameters(), "lr": cfg.lr_head},
        ],
        weight_decay=cfg.weight_decay,
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    loss_fn = nn.CrossEntropyLoss()
    params = [p for p in encoder.parameters() if p.requires_grad] + list(head.parameters())
    history = []
    last_epoch = min(cfg.epochs, cfg.stop_after) if cfg.stop_after else cfg.epochs
    for epoch in range(1, last_epoch + 1):
        encoder.train()
        head.train()
        started, running = time.time(), 0.0
        for b, idx in enumerate(length_batches(lengths, cfg.batch_size, rng)):
            hidden, mask = pad_cached([cached_train[i] for i in idx], device)
            loss = loss_fn(top_logits(encoder, head, hidden, mask, split),
                           torch.as_tensor(labels[idx], device=device))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            running += loss.item()
            if (b + 1) % 50 == 0:
                log.info("epoch %d step %d/%d loss %.4f (%.1f rows/s)", epoch, b + 1, steps_per_epoch,
                         running / 50, (b + 1) * cfg.batch_size / (time.time() - started))
                running = 0.0
        encoder.eval()
        head.eval()
        predictions = []
        with torch.inference_mode():
            for idx in length_batches([t.shape[0] for t in cached_val], 128, rng, shuffle=False):
                hidden, mask = pad_cached([cached_val[i] for i in idx], device)
                predictions.append((idx, top_logits(encoder, head, hidden, mask, split).argmax(-1).cpu().numpy()))
        pred = np.zeros(len(cached_val), dtype=np.int64)
        for idx, p in predictions:
            pred[idx] = p
        result = {"epoch": epoch, "seconds": round(time.time() - started, 1), **metrics(val[1], pred)}
        history.append(result)
        log.info("epoch %d val %s", epoch, json.dumps(result))
        tensors, meta = pack_checkpoint(encoder, base_state, head, {"variant": "default", "epoch": epoch})
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        save_file(tensors, str(CACHE_DIR / f"emotion-default-epoch{epoch}.safetensors"), metadata=meta)
    return encoder, head, base_state, history


# --------------------------------------------------------------------------- mood calibration
def fit_mood_calibration(classifier: EmotionClassifier, val: tuple[list[str], np.ndarray], out: Path,
                         results: list | None = None) -> dict:
    """Fit the mood confidence on pseudo-songs built from the validation texts; write the JSON."""
    from . import mood
    from .sentiment import english_score

    results = results if results is not None else classifier.predict(val[0], explain=False)
    scores = np.array([[r.scores[label] for label in LABELS] for r in results])
    sentiments = np.array([english_score(t) for t in val[0]])
    calibration = mood.calibrate(scores, sentiments, val[1])
    calibration["date"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    calibration["emotion_model"] = classifier.name
    (out / mood.CALIBRATION_FILE).write_text(json.dumps(calibration, indent=2) + "\n")
    log.info("mood calibration %s", json.dumps(calibration))
    return calibration


def evaluate_and_calibrate(cfg: TrainConfig) -> dict:
    """Score the shipped checkpoints on the validation split, refit the mood confidence and
    rewrite metrics.json (used after a training run was finished from an epoch checkpoint)."""
    out = Path(cfg.out)
    val = read_split(Path(cfg.data) / "val.txt")
    summary: dict = {}
    for variant in ("baseline", "default"):
        classifier = EmotionClassifier.load(variant, out, pick_device())
        results = classifier.predict(val[0], explain=False)
        pred = np.array([LABELS.index(r.label) for r in results])
        summary[variant] = {**metrics(val[1], pred), "meta": {k: v for k, v in classifier.meta.items()
                                                              if k not in ("changed", "config")}}
        log.info("%s (shipped) val %s", variant, json.dumps(summary[variant]))
        if variant == "default":
            summary["mood_calibration"] = fit_mood_calibration(classifier, val, out, results)
    (out / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


# --------------------------------------------------------------------------- main
def run(cfg: TrainConfig) -> dict:
    from safetensors.torch import save_file

    torch.set_num_threads(max(1, cfg.threads))
    if cfg.calibrate_only:
        return evaluate_and_calibrate(cfg)
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    device = pick_device()
    data = Path(cfg.data)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    train = read_split(data / "train.txt", cfg.limit)
    val = read_split(data / "val.txt", cfg.limit // 8 if cfg.limit else 0)
    log.info("train %d rows, val %d rows, device %s", len(train[0]), len(val[0]), device)

    started = time.time()
    tokenizer, encoder = load_base_encoder(device)
    x_train = embed_frozen(train[0], tokenizer, encoder, cfg.max_length)
    x_val = embed_frozen(val[0], tokenizer, encoder, cfg.max_length)
    head = train_linear_head(x_train, train[1], cfg.baseline_l2)
    baseline = metrics(val[1], predict_head(head, x_val))
    baseline["seconds"] = round(time.time() - started, 1)
    log.info("baseline val %s", json.dumps(baseline))
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    common = {"date": date, "data": "dair-ai emotion (train 16k / validation 2k)", "config": asdict(cfg)}
    tensors, meta = pack_checkpoint(None, None, head, {"variant": "baseline", "val": baseline, **common})
    save_file(tensors, str(out / BASELINE_FILE), metadata=meta)
    summary = {"baseline": baseline}

    if not cfg.skip_finetune:
        del encoder
        ft_encoder, ft_head, base_state, history = finetune(cfg, train, val, head, device)
        tensors, meta = pack_checkpoint(
            ft_encoder, base_state, ft_head,
            {"variant": "default", "val": history[-1], "history": history,
             "trainable_layers": cfg.trainable_layers, **common},
        )
        path = out / DEFAULT_FILE
        save_file(tensors, str(path), metadata=meta)
        # Score what is shipped: the int8 deltas reloaded on a fresh base encoder.
        shipped = EmotionClassifier.load("default", out, device)
        results = shipped.predict(val[0], explain=False)
        pred = np.array([LABELS.index(r.label) for r in results])
        summary["default"] = {**metrics(val[1], pred), "history": history,
                              "bytes": path.stat().st_size}
        log.info("default (shipped, int8 deltas) val %s", json.dumps(summary["default"]))
        summary["mood_calibration"] = fit_mood_calibration(shipped, val, out, results)
    (out / "metrics.json").write_text(json.dumps({**summary, **common}, indent=2) + "\n")
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name, value in asdict(TrainConfig()).items():
        if name == "extra":
            continue
        kind = type(value)
        if kind is bool:
            parser.add_argument(f"--{name.replace('_', '-')}", action="store_true")
        else:
            parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=value)
    args = vars(parser.parse_args(argv))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    print(json.dumps(run(TrainConfig(**args)), indent=2))


if __name__ == "__main__":
    main()
