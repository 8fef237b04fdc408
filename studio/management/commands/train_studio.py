"""``manage.py train_studio``: train the melody VAE or the harmony GAN on music21's corpus."""
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Train a studio model (vae or gan) on the music21 corpus and write a checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=["vae", "gan"], required=True)
        parser.add_argument("--config", choices=["tiny", "default"], default="default")
        parser.add_argument("--epochs", type=int, default=1)
        parser.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "checkpoints"))
        parser.add_argument("--resume", action="store_true", help="continue from <out>/*.resume.pt")
        parser.add_argument("--init", default=None,
                            help="start from this checkpoint's weights (same architecture), with a fresh optimiser")
        parser.add_argument("--free-bits-per-bar", type=float, default=None,
                            help="VAE: KL nats per bar left unpenalised (overrides the config's value)")
        parser.add_argument("--lr", type=float, nargs=2, metavar=("FIRST", "FINAL"), default=None,
                            help="learning rate decaying from FIRST to FINAL over the planned epochs "
                                 "(overrides the config's; a run continued with --init starts lower)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--max-minutes", type=float, default=None, help="stop (and save) after this long")
        parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (the box is shared)")
        parser.add_argument("--partial-data", action="store_true",
                            help="train on the corpus shards parsed so far (an interrupted parse)")
        parser.add_argument("--save-minutes", type=float, default=None,
                            help="also save the checkpoint every so many minutes inside an epoch")
        parser.add_argument("--json", action="store_true", help="print the checkpoint's metadata as JSON")

    def handle(self, *args, **opts):
        import torch

        from studio.training.train import train

        torch.set_num_threads(opts["threads"])
        os.environ.setdefault("OMP_NUM_THREADS", str(opts["threads"]))
        log = (lambda msg: self.stderr.write(msg)) if opts["json"] else self.stdout.write
        meta = train(opts["model"], opts["config"], epochs=opts["epochs"], out=Path(opts["out"]),
                     resume=opts["resume"], seed=opts["seed"], max_minutes=opts["max_minutes"], log=log,
                     init=Path(opts["init"]) if opts["init"] else None,
                     model_overrides=({"free_bits_per_bar": opts["free_bits_per_bar"]}
                                      if opts["free_bits_per_bar"] is not None else None),
                     partial_data=opts["partial_data"], save_minutes=opts["save_minutes"],
                     lr=tuple(opts["lr"]) if opts["lr"] else None)
        if opts["json"]:
            self.stdout.write(json.dumps(meta, default=str))
        else:
            self.stdout.write(self.style.SUCCESS(f"saved {meta['path']}"))
