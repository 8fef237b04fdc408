"""Training loops of the studio models, with progress, time budget, checkpoints and resume.

``train(kind, ...)`` is what ``manage.py train_studio`` calls. The clean checkpoint (weights, config,
metrics, data hash) goes to ``<out>/<melody_vae|harmony_gan>.safetensors``; the optimiser state needed
by ``--resume`` goes beside it in ``*.resume.pt`` (plain tensors and containers, read back with
``torch.load(weights_only=True)``) and is not meant to be committed.
"""
from __future__ import annotations

import dataclasses
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

from studio.ml.checkpoints import (FILENAMES, build_model, grow_weights, load_checkpoint, load_weights,
                                   read_checkpoint, save_checkpoint)
from studio.ml.device import default_device
from studio.ml.vae import VAEConfig
from studio.music.chords import NO_CHORD, code_features
from studio.music.encoding import FIRST_PITCH_TOKEN, MELODY_RANGE, VOICE_RANGE, random_transpose
from studio.music.score import SUPPORTED_METRES
from studio.training.chorales import chorale_window_sets, load_chorales
from studio.training.configs import get_config
from studio.training.data import WINDOW_HOPS, WindowSet, corpus_stats, load_windows, melody_set_name


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
          model_overrides: dict | None = None, partial_data: bool = False, save_minutes: float | None = None,
          lr: tuple[float, float] | None = None) -> dict:
    """Train a ``"vae"`` or ``"gan"``; returns the checkpoint's meta dict (with ``path``).
    ``sets`` (window sets) and ``data_hash`` may be given instead of the music21 corpus.
    ``init`` (a checkpoint of the same kind and architecture) starts from its weights: fine-tuning with
    a fresh optimiser, e.g. under a changed loss setting; its training record is kept in the meta; a
    checkpoint of an older, smaller architecture is grown into this one (:func:`grow_weights`).
    ``partial_data`` trains on the corpus shards parsed so far; ``save_minutes`` also writes the
    checkpoint every so many minutes inside an epoch, so a stopped run leaves its latest model.
    ``lr`` = (first, final) replaces the config's learning-rate schedule (a continued run starts lower)."""
    set_seed(seed)
    cfg = get_config(kind, config_name)
    if lr is not None:
        cfg = dataclasses.replace(cfg, lr=lr[0], lr_final=lr[1])
    if sets is None and kind == "gan":
        sets, data_hash, stats = load_gan_sets(progress)
    elif sets is None:
        sets, data_hash, _ = load_windows(progress=progress, partial=partial_data)
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
        last_save = time.time()

        def save(done: float) -> dict:
            model.eval()
            record = {"epoch": round(done, 3), **{k: v / max(count, 1) for k, v in sums.items()},
                      **loop.validate(), "seconds": round(seconds_before + time.time() - started, 1)}
            history.append(record)
            log(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items()))
            meta = loop.finish_meta({"config_name": config_name, "seed": seed, "epochs": record["epoch"],
                                     "planned_epochs": epochs, "lr": [cfg.lr, cfg.lr_final], "history": history,
                                     "data_hash": data_hash, "data": stats, "train_seconds": record["seconds"],
                                     "device": str(device), "stopped_early": stopped_early, "initialised_from": initialised_from,
                                     "metrics": {k: v for k, v in record.items() if k.startswith("val_")}})
            save_checkpoint(path, kind, model, meta)
            model.train()
            return meta

        for batch in bar:
            stats_step = loop.step(batch)
            count += 1
            for k, v in stats_step.items():
                sums[k] = sums.get(k, 0.0) + v
            bar.set_postfix({k: f"{v:.3f}" for k, v in stats_step.items()}, refresh=False)
            if max_minutes is not None and time.time() - started > max_minutes * 60:
                stopped_early = True
                break
            if save_minutes is not None and time.time() - last_save > save_minutes * 60:
                save(epoch + count / loop.steps_per_epoch())
                last_save = time.time()
        bar.close()
        meta = save(epoch + 1 if not stopped_early else epoch + count / loop.steps_per_epoch())
        torch.save({"model": model.state_dict(), "loop": loop.state(), "epoch": epoch + 1, "history": history,
                    "seconds": history[-1]["seconds"]}, resume_path)
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
        grown: list[str] = []
    except RuntimeError:
        try:
            grown = grow_weights(model, payload["state_dict"])
        except ValueError as exc:
            raise ValueError(f"{path} has another architecture than this config: {exc}") from None
    meta = payload.get("meta", {})
    return {"file": Path(path).name, "config": payload.get("config"), "epochs": meta.get("epochs"),
            "train_seconds": meta.get("train_seconds"), "history": meta.get("history"),
            "initialised_from": meta.get("initialised_from"), "grown": grown}


BATCH_SCALE = {2: 1.0, 4: 1.0, 8: 0.5, 16: 0.25}


def prior_record(config) -> dict:
    """What a checkpoint's meta says of its latent prior."""
    return {"kind": "kernel", "components": config.prior_components, "bandwidth": config.prior_bandwidth}


def refit_vae_prior(path: Path, out: Path | None = None, components: int | None = None,
                    bandwidth: float | None = None, sets: dict | None = None, progress: bool = True) -> dict:
    """Fit a trained VAE checkpoint's latent prior again (:func:`fit_latent_prior`) on the training
    windows of the corpus (or ``sets``), with ``components`` kernel centres and ``bandwidth`` (by default
    :class:`VAEConfig`'s, whatever the checkpoint had), and write it to ``out`` (default: in place). The
    weights are untouched. Returns the new meta."""
    from studio.training.attributes import fit_latent_prior

    model, payload = load_checkpoint(path, default_device())
    if payload["kind"] != "vae":
        raise ValueError(f"{path} holds a {payload['kind']!r} model, not a 'vae'")
    if sets is None:
        sets = load_windows(progress=progress)[0]
    model.config.prior_components = components or VAEConfig.prior_components
    model.config.prior_bandwidth = bandwidth or VAEConfig.prior_bandwidth
    model.set_latent_prior(*fit_latent_prior(model, VAELoop._buckets(sets, "train"), model.device))
    meta = {**payload.get("meta", {}),
            "prior": {**prior_record(model.config), "refitted": time.strftime("%Y-%m-%d")}}
    save_checkpoint(Path(out or path), "vae", model, meta)
    return meta


class VAELoop:
    """One optimisation step per batch; a batch holds windows of one metre and one length (2, 4, 8 or
    16 bars; longer windows in smaller batches), chord labels dropped for ``chord_dropout`` of them."""

    def __init__(self, model, cfg, sets: dict[str, WindowSet], device, seed: int):
        self.model, self.cfg, self.device = model, cfg, device
        self.train_sets = self._buckets(sets, "train")
        self.valid_sets = self._buckets(sets, "valid")
        self.chord_dropout = cfg.extra.get("chord_dropout", 0.3)
        self.optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.rng = np.random.default_rng(seed)
        self.global_step = 0
        self.total_steps = 1

    @staticmethod
    def _buckets(sets: dict[str, WindowSet], split: str) -> dict[tuple[str, int], WindowSet]:
        out = {}
        for metre in SUPPORTED_METRES:
            for bars in WINDOW_HOPS:
                found = sets.get(melody_set_name(bars, metre, split))
                if found is not None and len(found):
                    out[(metre, bars)] = found
        return out

    def _size(self, bars: int) -> int:
        return max(1, int(self.cfg.batch_size * BATCH_SCALE[bars]))

    def steps_per_epoch(self) -> int:
        return sum(math.ceil(len(s) / self._size(b)) for (_m, b), s in self.train_sets.items())

    def batches(self, epoch: int):
        order = []
        for key, windows in self.train_sets.items():
            perm, size = self.rng.permutation(len(windows)), self._size(key[1])
            order += [(key, perm[j:j + size]) for j in range(0, len(windows), size)]
        for k in self.rng.permutation(len(order)):
            key, idx = order[k]
            windows = self.train_sets[key]
            tokens = random_transpose(windows.tokens[idx].astype(np.int64), MELODY_RANGE, self.rng, self.cfg.max_transpose)
            codes = transpose_codes(windows.chords[idx], tokens, windows.tokens[idx])
            codes[self.rng.random(len(idx)) < self.chord_dropout] = NO_CHORD
            yield key[0], tokens, codes

    def step(self, batch) -> dict[str, float]:
        from studio.ml.vae import kl_weight

        metre, tokens, codes = batch
        for group in self.optimizer.param_groups:
            group["lr"] = _lr_at(self.global_step, self.total_steps, self.cfg.lr, self.cfg.lr_final)
        beta = kl_weight(self.global_step, self.cfg.kl_warmup, self.model.config.beta)
        chords = torch.from_numpy(code_features(codes)).to(self.device)
        out = self.model(torch.from_numpy(tokens).to(self.device), metre, chords, beta=beta)
        self.optimizer.zero_grad()
        out["loss"].backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.global_step += 1
        return {k: float(v.detach()) for k, v in out.items()}

    @torch.no_grad()
    def validate(self, limit: int = 128) -> dict[str, float]:
        """Teacher-forced token and onset accuracy from the posterior mean (with chords) on up to
        ``limit`` validation windows of each length, all metres together."""
        res = {}
        from studio.ml.vae import onset_accuracy

        for bars in WINDOW_HOPS:
            hits, onsets = [], []
            for (metre, b), windows in self.valid_sets.items():
                if b != bars:
                    continue
                x = torch.from_numpy(windows.tokens[:limit].astype(np.int64)).to(self.device)
                chords = torch.from_numpy(code_features(windows.chords[:limit])).to(self.device)
                mu, _ = self.model.encode(x)
                predicted = self.model.teacher_forced_logits(mu, x, metre, chords).argmax(-1)
                hits.append(float((predicted == x).float().mean()))
                onsets.append(float(onset_accuracy(predicted, x)))
            if hits:
                res[f"val_tf_accuracy_{bars}bar"] = float(np.mean(hits))
                res[f"val_tf_onset_accuracy_{bars}bar"] = float(np.mean(onsets))
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

        four = self.train_sets.get(("4/4", 2)) or next(iter(self.train_sets.values()))
        names, vectors = compute_attribute_vectors(self.model, four.tokens.astype(np.int64), self.device)
        self.model.set_attributes(names, vectors)
        self.model.set_latent_prior(*fit_latent_prior(self.model, self.train_sets, self.device))
        return {**meta, "prior": prior_record(self.model.config)}


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


def transpose_codes(codes: np.ndarray, moved: np.ndarray, original: np.ndarray) -> np.ndarray:
    """Chord codes moved with their windows: each row by the shift between ``original`` and ``moved``
    tokens (read from the first note-on)."""
    codes = codes.copy()
    first = (original >= FIRST_PITCH_TOKEN).argmax(axis=1)
    rows = np.arange(len(codes))
    shifts = (moved[rows, first].astype(np.int64) - original[rows, first].astype(np.int64)) % 12
    present = codes >= 0
    mask, root = codes % 4096, codes // 4096
    rotated = ((mask << shifts[:, None]) | (mask >> (12 - shifts[:, None]))) & 4095
    return np.where(present, ((root + shifts[:, None]) % 12) * 4096 + rotated, NO_CHORD).astype(np.int32)


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
