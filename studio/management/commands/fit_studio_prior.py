"""``manage.py fit_studio_prior``: fit a trained melody VAE's latent prior again, weights untouched."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Fit the latent prior of a melody VAE checkpoint again on the corpus's training windows."

    def add_arguments(self, parser):
        parser.add_argument("checkpoint", help="a melody_vae .safetensors file")
        parser.add_argument("--out", default=None, help="write here instead of over the checkpoint")
        parser.add_argument("--components", type=int, default=None, help="kernel centres per metre and length")
        parser.add_argument("--bandwidth", type=float, default=None,
                            help="the kernels' spread as a share of the posterior means' spread")

    def handle(self, *args, **opts):
        from studio.training.train import refit_vae_prior

        try:
            meta = refit_vae_prior(Path(opts["checkpoint"]), Path(opts["out"]) if opts["out"] else None,
                                   opts["components"], opts["bandwidth"])
        except ValueError as exc:  # CheckpointError included
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"prior fitted again: {meta['prior']}"))
