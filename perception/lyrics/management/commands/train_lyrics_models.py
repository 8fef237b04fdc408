"""manage.py train_lyrics_models: reproduce the shipped emotion models (baseline + fine-tuned default)."""
import json
import logging
from dataclasses import asdict, fields

from django.core.management.base import BaseCommand

from perception.lyrics.analysis.training import TrainConfig, run


class Command(BaseCommand):
    help = ("Train the lyric emotion models on the dair-ai emotion data: a linear head on frozen MiniLM "
            "(baseline) and a fine-tune of the top encoder layers (default); fit the mood calibration.")

    def add_arguments(self, parser):
        defaults = asdict(TrainConfig())
        for f in fields(TrainConfig):
            if f.name == "extra":
                continue
            flag = "--" + f.name.replace("_", "-")
            if isinstance(defaults[f.name], bool):
                parser.add_argument(flag, action="store_true", dest=f.name)
            else:
                parser.add_argument(flag, type=type(defaults[f.name]), default=defaults[f.name], dest=f.name)
        parser.add_argument("--json", action="store_true", help="Print the metrics as JSON")

    def handle(self, *args, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        config = TrainConfig(**{f.name: options[f.name] for f in fields(TrainConfig) if f.name != "extra"})
        summary = run(config)
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            for name, result in summary.items():
                if isinstance(result, dict) and "accuracy" in result:
                    self.stdout.write(f"{name:<9} accuracy {result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f}")
