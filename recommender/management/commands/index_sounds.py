"""Give every corpus score of the catalogue its symbolic fingerprint (for "Sounds like" reasons)."""
import json

from django.core.management.base import BaseCommand

from recommender.models import Item
from recommender.previews import PreviewUnavailable, preview_score


class Command(BaseCommand):
    help = "Parse the catalogue's corpus scores once (previews + fingerprints); --json prints the counts."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        done, failed = 0, 0
        for item in Item.objects.filter(kind=Item.KIND_SCORE).order_by("id").iterator():
            if "sound" in item.features:
                continue
            try:
                preview_score(item)
                done += 1
            except PreviewUnavailable:
                failed += 1
        result = {"indexed": done, "without_notes": failed}
        self.stdout.write(json.dumps(result) if opts["json"] else f"{done} scores indexed, {failed} without notes.")
