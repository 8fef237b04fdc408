"""Train the feed's model on the catalogue's interactions and swap it in atomically."""
import json

from django.core.management.base import BaseCommand

from recommender.training import train


class Command(BaseCommand):
    help = "Train a new recommender model version (hybrid) and make it active."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--no-tune", action="store_true", help="skip fitting blend weights on validation")
        parser.add_argument("--components", nargs="+", help="subset of ease itemknn als content popularity")
        parser.add_argument("--no-activate", action="store_true")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **opts):
        version = train(components=opts["components"], tune=not opts["no_tune"], seed=opts["seed"],
                                 activate=not opts["no_activate"])
        result = {"version": version.pk, "active": version.is_active, "users": version.n_users,
                  "items": version.n_items, "interactions": version.n_interactions,
                  "train_seconds": round(version.train_seconds, 2), "metrics": version.metrics}
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Model version {version.pk}: {version.n_users} users, {version.n_items} items, "
                f"{version.n_interactions} interactions, {version.train_seconds:.1f} s; weights "
                f"{version.metrics.get('weights')}"))
