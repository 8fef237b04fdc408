"""Proves the device path of every model: CPU vs device outputs (the same inputs and noise, drawn on
the CPU), throughput at batch 1/64/256, peak memory, mixed precision where it stays within tolerance,
and the end-to-end batched serving figures (``benchmarks/serving.py``).

    .venv/bin/python benchmarks/gpu_check.py [--device cpu|cuda] [--quick] [--models vae gan emotion transnet clip]
                                            [--serving-clients 1 8 32 128] [--json]

``--device`` defaults to CUDA when present. ``--quick`` (CI on a CPU): batch sizes 1 and 4, no serving run.
On a CPU "device" the comparison is CPU against CPU (it checks the script, not a device).
"""
import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")

import torch  # noqa: E402

TOLERANCE = {"vae": 1e-4, "gan": 1e-4, "emotion": 1e-3, "transnet": 1e-3, "clip": 1e-3}
TEXTS = ["I walk alone down the empty road", "you make my heart sing tonight", "why did you lie to me",
         "the storm is coming and I am afraid", "what a surprise to see you here", "I love the way you smile"]


class Model:
    """What the check needs of a model: ``inputs(n)`` (CPU tensors, fixed seed), ``forward(model, inputs)``
    (a float tensor to compare), ``load(device)``."""

    def __init__(self, name, load, inputs, forward):
        self.name, self.load, self.inputs, self.forward = name, load, inputs, forward


def _vae():
    from studio.ml.checkpoints import load_checkpoint
    from studio.services import model_path

    def load(device):
        model, _ = load_checkpoint(model_path("vae"))
        return model.to(device).eval()

    def inputs(n, model):
        g = torch.Generator().manual_seed(0)
        return {"z": model.prior_sample(n, 4, "4/4", 1.0, g).cpu(), "noise": model.decode_noise(n, 4, "4/4", g).cpu()}

    def forward(model, x):
        # The conductor's bar embeddings (continuous) and the sampled tokens (equal or not).
        z = x["z"].to(model.device)
        with torch.no_grad():
            embeddings = model.bar_embeddings(z, 4, "4/4").flatten(1)
        tokens = model.decode(z, 4, "4/4", temperature=0.5, noise=x["noise"].to(model.device))
        return torch.cat([embeddings, tokens.float()], dim=1)

    return Model("vae", load, inputs, forward)


def _gan():
    from studio.ml.checkpoints import load_checkpoint
    from studio.services import model_path

    def load(device):
        model, _ = load_checkpoint(model_path("gan"))
        return model.to(device).eval()

    def inputs(n, model):
        g = torch.Generator().manual_seed(0)
        soprano = model.sample(n, generator=g).cpu().numpy()[:, 0]
        return {"latents": {k: v.cpu() for k, v in model.latents(n, g).items()}, "soprano": soprano}

    def forward(model, x):
        with torch.no_grad():
            latents = {k: v.to(model.device) for k, v in x["latents"].items()}
            n = len(x["soprano"])
            pitch, onset = model.generator(latents, model.accents("4/4", n), model.voice_tensor(x["soprano"]))
            return torch.cat([pitch.softmax(-1), onset.softmax(-1)], dim=-1)

    return Model("gan", load, inputs, forward)


def _emotion():
    from perception.lyrics.analysis.emotion import EmotionClassifier

    def load(device):
        return EmotionClassifier.load("default", device=torch.device(device))

    def inputs(n, model):
        return [TEXTS[i % len(TEXTS)] for i in range(n)]

    def forward(model, texts):
        results = model.predict(texts, batch_size=max(1, len(texts)), explain=False)
        return torch.tensor([[r.scores[k] for k in sorted(r.scores)] for r in results])

    return Model("emotion", load, inputs, forward)


def _transnet():
    from perception.video.analysis.transnet import load_model

    def inputs(n, model):
        g = torch.Generator().manual_seed(0)
        return torch.randint(0, 256, (n, 100, 27, 48, 3), generator=g, dtype=torch.uint8)

    def forward(model, windows):
        with torch.inference_mode():
            single, inside = model.predict_raw(windows.to(model.device))
        return torch.cat([single, inside], dim=-1).float()

    return Model("transnet", load_model, inputs, forward)


def _clip():
    from perception.video.analysis.labels import _load_clip

    folder = os.environ.get("MOTIF_CLIP_MODEL")
    if not folder:
        raise RuntimeError("no CLIP model configured (MOTIF_CLIP_MODEL)")

    def load(device):
        model, processor = _load_clip(folder)
        return model.to(device).eval(), processor

    def inputs(n, loaded):
        g = torch.Generator().manual_seed(0)
        return torch.rand(n, 3, 224, 224, generator=g)

    def forward(loaded, pixels):
        model, _ = loaded
        with torch.no_grad():
            return model.get_image_features(pixel_values=pixels.to(model.device)).float()

    return Model("clip", load, inputs, forward)


BUILDERS = {"vae": _vae, "gan": _gan, "emotion": _emotion, "transnet": _transnet, "clip": _clip}


def _sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _peak_mb(device):
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _model_on(loaded):
    return loaded[0] if isinstance(loaded, tuple) else loaded


def check(spec, device, sizes, agree_n, seconds):
    """One model's row: agreement with the CPU, throughput per batch size, peak memory, mixed precision."""
    cpu_model = spec.load("cpu")
    dev_model = cpu_model if device == "cpu" else spec.load(device)
    x = spec.inputs(agree_n, _model_on(cpu_model))
    reference = spec.forward(cpu_model, x).cpu()
    on_device = spec.forward(dev_model, x).float().cpu()
    diff = float((reference - on_device).abs().max()) if reference.numel() else 0.0
    row = {"model": spec.name, "device": device, "max_abs_diff": diff, "agrees": diff <= TOLERANCE[spec.name]}
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    for n in sizes:
        batch = spec.inputs(n, _model_on(cpu_model))
        spec.forward(dev_model, batch)
        _sync(device)
        start, runs = time.perf_counter(), 0
        while runs < 3 and (runs == 0 or time.perf_counter() - start < seconds):
            spec.forward(dev_model, batch)
            _sync(device)
            runs += 1
        row[f"items_per_s@{n}"] = round(n * runs / (time.perf_counter() - start), 1)
    row["peak_mb"] = round(_peak_mb(device), 1)
    row.update(_mixed_precision(spec, dev_model, x, on_device, device))
    return row


def _mixed_precision(spec, model, x, full, device):
    """The first of fp16/bf16 autocast whose outputs stay within tolerance of fp32 on the device."""
    kind = "cuda" if device.startswith("cuda") else "cpu"
    dtypes = [torch.float16, torch.bfloat16] if kind == "cuda" else [torch.bfloat16]
    tried = {}
    for dtype in dtypes:
        try:
            with torch.autocast(kind, dtype=dtype):
                out = spec.forward(model, x).float().cpu()
        except (RuntimeError, TypeError) as error:
            tried[str(dtype).replace("torch.", "")] = f"fails: {str(error)[:60]}"
            continue
        diff = float((out - full).abs().max()) if full.numel() else 0.0
        tried[str(dtype).replace("torch.", "")] = round(diff, 6)
        if diff <= TOLERANCE[spec.name]:
            return {"mixed_precision": str(dtype).replace("torch.", ""), "autocast_diff": tried}
    return {"mixed_precision": "none (fp32)", "autocast_diff": tried}


def run(device, models, sizes, serving_clients, serving_seconds, timing_seconds=2.0, log=print):
    rows, skipped = [], {}
    for name in models:
        try:
            spec = BUILDERS[name]()
            rows.append(check(spec, device, sizes, agree_n=min(8, max(sizes)), seconds=timing_seconds))
        except Exception as error:  # noqa: BLE001 - a model that cannot load is reported, not fatal
            skipped[name] = f"{type(error).__name__}: {error}"[:200]
            log(f"{name}: skipped ({skipped[name]})")
    serving = []
    if serving_clients:
        from benchmarks.serving import measure

        serving = measure(serving_clients, serving_seconds, log=log)
    return {"device": device, "torch": torch.__version__, "rows": rows, "skipped": skipped, "serving": serving}


def print_report(report, sizes):
    print(f"# {time.strftime('%Y-%m-%d')}, device {report['device']}, torch {report['torch']}, "
          f"load average {os.getloadavg()[0]:.2f}")
    head = " | ".join(f"items/s @{n}" for n in sizes)
    print(f"| model | max |cpu - device| | agrees | {head} | peak MB | mixed precision | autocast diffs |")
    print("|---|---:|---|" + "---:|" * len(sizes) + "---:|---|---|")
    for r in report["rows"]:
        rates = " | ".join(str(r[f"items_per_s@{n}"]) for n in sizes)
        print(f"| {r['model']} | {r['max_abs_diff']:.2e} | {'yes' if r['agrees'] else 'NO'} | {rates} | "
              f"{r['peak_mb']} | {r['mixed_precision']} | {r['autocast_diff']} |")
    for name, why in report["skipped"].items():
        print(f"| {name} | skipped: {why} |")
    if report["serving"]:
        from benchmarks.serving import print_table

        print()
        print_table(report["serving"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--models", nargs="+", default=list(BUILDERS), choices=list(BUILDERS))
    parser.add_argument("--quick", action="store_true", help="batch sizes 1 and 4, no serving run (CI on a CPU)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 64, 256])
    parser.add_argument("--serving-clients", type=int, nargs="*", default=[1, 8, 32, 128])
    parser.add_argument("--serving-seconds", type=float, default=20.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        parser.error("CUDA is not available on this machine; use --device cpu")
    sizes = [1, 4] if args.quick else args.sizes
    import django

    django.setup()
    report = run(args.device, args.models, sizes, [] if args.quick else args.serving_clients, args.serving_seconds,
                 timing_seconds=0.2 if args.quick else 2.0, log=lambda m: print(m, file=sys.stderr))
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report, sizes)


if __name__ == "__main__":
    main()
