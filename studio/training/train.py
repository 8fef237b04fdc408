"""Training loops of the studio models, with progress, time budget, checkpoints and resume.

``train(kind, ...)`` is what ``manage.py train_studio`` calls. The clean checkpoint (weights, config,
metrics, data hash) goes to ``<out>/<melody_vae|harmony_gan>.safetensors``; the optimiser state needed
by ``--resume`` goes beside it in ``*.resume.pt`` (plain tensors and containers, read back with
``torch.load(weights_only=True)``) and is not meant to be committed.
"""
from __future__ import annotations

import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

from studio.ml.device import default_device
from studio.music.encoding import MELODY_RANGE, VOICE_RANGE, random_transpose
from studio.ml.checkpoints import FILENAMES, build_model, load_weights, read_checkpoint, save_checkpoint
from studio.training.configs import get_config
from studio.training.chorales import chorale_window_sets, load_chorales
from studio.training.data import WindowSet, corpus_stats, load_windows


def set_seed(seed: int) -> None:
    """Seed Python, numpy and torch."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _lr_at(step: int, total: int, lr: float, lr_final: float) -> float:
    """Exponential decay from ``lr`` to ``lr_final`` over ``total`` steps."""
    return lr * (lr_final / lr) ** min(1.0, step / max(1, total))


def train(kind: str, config_name: str = "default", epochs: int = 1, out: Path = Path("studio/checkpoints"),
          resume: bool = False, seed: int = 0, max_minutes: float | None = None, sets: dict | None = None,
          data_hash: str | None = None, progress: bool = True, log=print, init: Path | None = None,
          model_overrides: dict | None = None) -> dict:
    """Train a ``"vae"`` or ``"gan"``; returns the checkpoint's meta dict (with ``path``).
    ``sets`` (window sets) and ``data_hash`` may be given instead of the music21 corpus.
    ``init`` (a checkpoint of the same kind and architecture) starts from its weights: fine-tuning with
    a fresh optimiser, e.g. under a changed loss setting; its training record is kept in the meta."""
    set_seed(seed)
    cfg = get_config(kind, config_name)
    if sets is None and kind == "gan":
        sets, data_hash, stats = load_gan_sets(progress)
    elif sets is None:
        sets, data_hash, _ = load_windows(progress=progress)
        stats = corpus_stats(sets)
    else:
        stats = {name: {"windows": len(s)} for name, s in sets.items()}
    device = default_device()
    model = build_model(kind, {**cfg.model.to_dict(), **(model_overrides or {})}).to(device)
    out = Path(out)
    path = out / FILENAMES[kind]
    resume_path = path.with_suffix(".resume.pt")
    loop = VAELoop(model, cfg, sets, device, seed) if kind == "vae" else GANLoop(model, cfg, sets, device, seed)
    first_epoch, history, seconds_before = 0, [], 0.0
    initialised_from = _load_init(model, kind, init) if init is not None else None
    if resume and resume_path.exists():
        state = torch.load(resume_path, map_location=device, weights_only=True)
        load_weights(model, state["model"])
        loop.load_state(state["loop"])
        first_epoch, history, seconds_before = state["epoch"], state["history"], state["seconds"]
        log(f"resumed from epoch {first_epoch}")
    if first_epoch >= epochs:
        raise ValueError(f"the checkpoint in {out} has already trained {first_epoch} epochs; ask for more with --epochs")
    loop.total_steps = epochs * loop.steps_per_epoch()
    started = time.time()
    stopped_early = False
    from tqdm import tqdm

    for epoch in range(first_epoch, epochs):
        model.train()
        bar = tqdm(loop.batches(epoch), total=loop.steps_per_epoch(), desc=f"{kind} epoch {epoch + 1}/{epochs}",
                   disable=not progress, file=sys.stderr, mininterval=10)
        sums: dict[str, float] = {}
        count = 0
        for batch in bar:
            stats_step = loop.step(batch)
            count += 1
            for k, v in stats_step.items():
                sums[k] = sums.get(k, 0.0) + v
            bar.set_postfix({k: f"{v:.3f}" for k, v in stats_step.items()}, refresh=False)
            if max_minutes is not None and time.time() - started > max_minutes * 60:
                stopped_early = True
                break
        bar.close()
        model.eval()
        record = {"epoch": epoch + 1, **{k: v / max(count, 1) for k, v in sums.items()}, **loop.validate(),
                  "seconds": round(seconds_before + time.time() - started, 1)}
        history.append(record)
        log(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items()))
        meta = loop.finish_meta({"config_name": config_name, "seed": seed, "epochs": epoch + 1,
                                 "planned_epochs": epochs, "history": history, "data_hash": data_hash,
                                 "data": stats, "train_seconds": record["seconds"], "device": str(device),
                                 "stopped_early": stopped_early, "initialised_from": initialised_from,
                                 "metrics": {k: v for k, v in record.items() if k.startswith("val_")}})
        save_checkpoint(path, kind, model, meta)
        torch.save({"model": model.state_dict(), "loop": loop.state(), "epoch": epoch + 1, "history": history,
                    "seconds": record["seconds"]}, resume_path)
        if stopped_early:
            log(f"stopped after {max_minutes} minutes (time budget)")
            break
    return {**meta, "path": str(path)}


def _load_init(model, kind: str, path: Path) -> dict:
    """Copy the weights of checkpoint ``path`` into ``model``; the summary of how it was trained."""
    payload = read_checkpoint(path)
    if payload.get("kind") != kind:
        raise ValueError(f"{path} holds a {payload.get('kind')!r} model, not a {kind!r}")
    try:
        load_weights(model, payload["state_dict"])
    except RuntimeError as exc:
        raise ValueError(f"{path} has another architecture than this config: {str(exc).splitlines()[0]}") from None
    meta = payload.get("meta", {})
    return {"file": Path(path).name, "config": payload.get("config"), "epochs": meta.get("epochs"),
            "train_seconds": meta.get("train_seconds"), "history": meta.get("history"),
            "initialised_from": meta.get("initialised_from")}


class VAELoop:
    """One optimisation step per batch; batches alternate between 2-bar and 4-bar windows."""

    def __init__(self, model, cfg, sets: dict[str, WindowSet], device, seed: int):
        self.model, self.cfg, self.device = model, cfg, device
        self.train_sets = [sets["melody2_train"].tokens.astype(np.int64), sets["melody4_train"].tokens.astype(np.int64)]
        self.valid_sets = [sets["melody2_valid"].tokens.astype(np.int64), sets["melody4_valid"].tokens.astype(np.int64)]
        self.optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.rng = np.random.default_rng(seed)
        self.global_step = 0
        self.total_steps = 1

    def steps_per_epoch(self) -> int:
        return sum(math.ceil(len(t) / self.cfg.batch_size) for t in self.train_sets)

    def batches(self, epoch: int):
        order = []
        for i, tokens in enumerate(self.train_sets):
            perm = self.rng.permutation(len(tokens))
            order += [(i, perm[j:j + self.cfg.batch_size]) for j in range(0, len(tokens), self.cfg.batch_size)]
        for k in self.rng.permutation(len(order)):
            i, idx = order[k]
            yield random_transpose(self.train_sets[i][idx], MELODY_RANGE, self.rng, self.cfg.max_transpose)

    def step(self, batch: np.ndarray) -> dict[str, float]:
        from studio.ml.vae import kl_weight

        for group in self.optimizer.param_groups:
            group["lr"] = _lr_at(self.global_step, self.total_steps, self.cfg.lr, self.cfg.lr_final)
        beta = kl_weight(self.global_step, self.cfg.kl_warmup, self.model.config.beta)
        out = self.model(torch.from_numpy(batch).to(self.device), beta=beta)
        self.optimizer.zero_grad()
        out["loss"].backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.global_step += 1
        return {k: float(v.detach()) for k, v in out.items()}

    @torch.no_grad()
    def validate(self, limit: int = 512) -> dict[str, float]:
        """Teacher-forced accuracy from the posterior mean on up to ``limit`` validation windows."""
        res = {}
        for bars, tokens in zip((2, 4), self.valid_sets):
            if len(tokens) == 0:
                continue
            x = torch.from_numpy(tokens[:limit]).to(self.device)
            mu, _ = self.model.encode(x)
            logits = self.model.teacher_forced_logits(mu, x)
            res[f"val_tf_accuracy_{bars}bar"] = float((logits.argmax(-1) == x).float().mean())
        return res

    def state(self) -> dict:
        return {"optimizer": self.optimizer.state_dict(), "step": self.global_step, "rng": self.rng.bit_generator.state}

    def load_state(self, state: dict) -> None:
        self.optimizer.load_state_dict(state["optimizer"])
        self.global_step = state["step"]
        self.rng.bit_generator.state = state["rng"]

    def finish_meta(self, meta: dict) -> dict:
        """Attribute vectors and the latent prior are computed from the training windows before each save."""
        from studio.training.attributes import compute_attribute_vectors, fit_latent_prior

        names, vectors = compute_attribute_vectors(self.model, self.train_sets[0], self.device)
        self.model.set_attributes(names, vectors)
        self.model.set_latent_prior(*fit_latent_prior(self.model, dict(zip((2, 4), self.train_sets)), self.device))
        return meta


def load_gan_sets(progress: bool = True) -> tuple[dict, str, dict]:
    """The chorale windows of every metre (``chorales_train`` / ``chorales_valid``), the parse hash
    and their counts per metre, for the GAN's checkpoint meta."""
    chorales, digest = load_chorales(progress=progress)
    split = chorale_window_sets(chorales)
    sets = {f"chorales_{name}": windows for name, windows in split.items()}
    stats = {name: {"windows": len(w), "works": int(len(np.unique(w.work))),
                    "by_metre": {m: int((w.metres == m).sum()) for m in sorted(set(w.metres.tolist()))}}
             for name, w in sets.items()}
    return sets, digest, stats


class GANLoop:
    """WGAN-GP: ``critic_steps`` critic updates per generator update; half of each batch conditioned
    on its real soprano. Windows of every metre are mixed, each with its own accents."""

    def __init__(self, model, cfg, sets: dict, device, seed: int):
        self.model, self.cfg, self.device = model, cfg, device
        self.train = sets["chorales_train"]
        self.valid = sets["chorales_valid"]
        betas = (0.5, 0.9)
        self.opt_g = torch.optim.Adam(model.generator.parameters(), lr=cfg.lr, betas=betas)
        self.opt_c = torch.optim.Adam(model.critic.parameters(), lr=cfg.lr, betas=betas)
        self.rng = np.random.default_rng(seed)
        self.global_step = 0
        self.total_steps = 1

    def steps_per_epoch(self) -> int:
        return math.ceil(len(self.train) / (self.cfg.batch_size * self.model.config.critic_steps))

    def _real(self, idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        tokens = random_transpose(self.train.tokens[idx], VOICE_RANGE, self.rng, self.cfg.max_transpose)
        return self.model.voice_tensor(tokens), self.model.accents(self.train.metres[idx].tolist(), len(idx))

    def batches(self, epoch: int):
        perm = self.rng.permutation(len(self.train))
        size = self.cfg.batch_size * self.model.config.critic_steps
        for j in range(0, len(perm), size):
            chunk = perm[j:j + size]
            yield [chunk[k:k + self.cfg.batch_size] for k in range(0, len(chunk), self.cfg.batch_size)]

    def step(self, groups: list[np.ndarray]) -> dict[str, float]:
        lr = _lr_at(self.global_step, self.total_steps, self.cfg.lr, self.cfg.lr_final)
        for opt in (self.opt_g, self.opt_c):
            for group in opt.param_groups:
                group["lr"] = lr
        info = {}
        for idx in groups:
            real, accent = self._real(idx)
            loss, info = self.model.critic_loss(real, accent, int(len(idx) * self.cfg.conditioned_share))
            self.opt_c.zero_grad()
            loss.backward()
            self.opt_c.step()
        g_loss = self.model.generator_loss(real, accent, int(len(idx) * self.cfg.conditioned_share))
        self.opt_g.zero_grad()
        g_loss.backward()
        self.opt_g.step()
        self.global_step += 1
        return {**info, "g_loss": float(g_loss.detach())}

    @torch.no_grad()
    def validate(self) -> dict[str, float]:
        """MuseGAN metrics of free 4/4 samples; in-key, parallels and repeated notes of the
        harmonisations of up to ``val_samples`` validation sopranos."""
        from studio.training.metrics import musegan_metrics
        from studio.music.voice_leading import voice_leading_metrics

        gen = torch.Generator().manual_seed(0)
        free = self.model.sample(self.cfg.val_samples, generator=gen).cpu().numpy()
        out = {f"val_{k}": v for k, v in musegan_metrics(free, VOICE_RANGE).items()}
        if len(self.valid):
            windows = self.valid.where(np.arange(len(self.valid)) < self.cfg.val_samples)
            harmonized = np.concatenate([
                self.model.sample(int((windows.metres == m).sum()), soprano=windows.tokens[windows.metres == m, 0],
                                  metre=m, generator=gen).cpu().numpy() for m in sorted(set(windows.metres.tolist()))])
            vl = voice_leading_metrics(harmonized, VOICE_RANGE)
            out.update({"val_harmonized_in_key_ratio": musegan_metrics(harmonized, VOICE_RANGE)["in_key_ratio"],
                        "val_harmonized_parallels_per_100_beats": vl["parallels_per_100_beats"],
                        "val_harmonized_repeated_notes": vl["repeated_notes"]})
        return out

    def state(self) -> dict:
        return {"opt_g": self.opt_g.state_dict(), "opt_c": self.opt_c.state_dict(), "step": self.global_step,
                "rng": self.rng.bit_generator.state}

    def load_state(self, state: dict) -> None:
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_c.load_state_dict(state["opt_c"])
        self.global_step = state["step"]
        self.rng.bit_generator.state = state["rng"]

    def finish_meta(self, meta: dict) -> dict:
        return meta
