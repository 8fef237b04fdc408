"""``manage.py evaluate_studio``: score a studio model on held-out corpus windows or on a folder of
the musician's own MIDI / MusicXML / ABC files."""
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Evaluate the melody VAE or the harmony GAN (reconstruction, mgeval overlap, MuseGAN metrics)."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=["vae", "gan"], required=True)
        parser.add_argument("--data", default=None, help="folder of MIDI/ABC/MusicXML files (default: the "
                                                         "validation split of the music21 corpus)")
        parser.add_argument("--checkpoint", default=None, help="checkpoint file (default: the installed model)")
        parser.add_argument("--samples", type=int, default=500, help="generated samples for distribution metrics")
        parser.add_argument("--windows", type=int, default=300,
                            help="at most this many evaluation windows (VAE: per metre and window length)")
        parser.add_argument("--partial-data", action="store_true",
                            help="use the corpus shards parsed so far (an interrupted parse)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        import torch

        from studio.services import model_path
        from studio.ml.checkpoints import load_checkpoint
        from studio.training.evaluate import corpus_validation_windows, evaluate_vae, folder_windows

        torch.set_num_threads(opts["threads"])
        started = time.time()
        path = Path(opts["checkpoint"]) if opts["checkpoint"] else model_path(opts["model"])
        if not path.exists():
            raise CommandError(f"no checkpoint at {path}; train one with manage.py train_studio")
        model, payload = load_checkpoint(path)
        if payload["kind"] != opts["model"]:
            raise CommandError(f"{path} holds a {payload['kind']} model, not a {opts['model']}")
        if opts["model"] == "gan":
            report, source = self.evaluate_gan(model, opts)
        elif opts["data"]:
            if not Path(opts["data"]).is_dir():
                raise CommandError(f"{opts['data']} is not a folder")
            melody, _chorales = folder_windows(Path(opts["data"]))
            source = str(opts["data"])
        else:
            from studio.training.data import load_windows

            sets, _, _ = load_windows(progress=not opts["json"], partial=opts["partial_data"])
            melody = corpus_validation_windows(sets)
            source = "music21 corpus (validation works)"
        if opts["model"] == "vae":
            if not melody:
                raise CommandError("no usable melody windows in the data (2 bars or more, in a supported metre)")
            report = evaluate_vae(model, melody, opts["windows"], opts["samples"], opts["seed"])
        report.update({"model": opts["model"], "checkpoint": str(path), "data_source": source,
                       "data_hash": payload["meta"].get("data_hash"), "seconds": round(time.time() - started, 1)})
        if opts["json"]:
            self.stdout.write(json.dumps(report))
        else:
            self.stdout.write(json.dumps(report, indent=2))

    def evaluate_gan(self, model, opts) -> tuple[dict, str]:
        """The GAN report on the validation chorales (every metre), or on the four-voice scores of
        ``--data`` in their own metres."""
        from studio.training.chorales import chorale_window_sets, folder_chorale_windows, load_chorales
        from studio.training.evaluate_gan import evaluate_gan

        if opts["data"]:
            if not Path(opts["data"]).is_dir():
                raise CommandError(f"{opts['data']} is not a folder")
            windows, source = folder_chorale_windows(Path(opts["data"])), str(opts["data"])
        else:
            windows = chorale_window_sets(load_chorales(progress=not opts["json"])[0])["valid"]
            source = "music21 corpus: Bach chorales of the validation works, every metre"
        if len(windows) == 0:
            raise CommandError("no four-part windows in the data (the GAN needs four-voice scores)")
        return evaluate_gan(model, windows, opts["samples"], opts["seed"]), source
