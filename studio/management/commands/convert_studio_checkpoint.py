"""``manage.py convert_studio_checkpoint``: rewrite an old pickled ``.pt`` studio checkpoint as safetensors."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Convert an old studio checkpoint (.pt, read with torch.load(weights_only=True)) to the "
            ".safetensors format the site loads; the weights are copied unchanged.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="the old .pt checkpoint")
        parser.add_argument("--out", default=None, help="target file (default: SOURCE with .safetensors)")

    def handle(self, *args, **opts):
        import pickle

        from studio.ml.checkpoints import CheckpointError, convert_legacy_checkpoint

        source = Path(opts["source"])
        if not source.is_file():
            raise CommandError(f"no file at {source}")
        try:
            target = convert_legacy_checkpoint(source, Path(opts["out"]) if opts["out"] else None)
        except (CheckpointError, pickle.UnpicklingError, RuntimeError) as exc:
            raise CommandError(f"{source} could not be converted: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"wrote {target}"))
