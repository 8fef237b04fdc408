"""Give every corpus score of the catalogue its symbolic fingerprint (for "Sounds like" reasons), then
store the item vectors the content model reads at training time (melody-VAE latents of items with
notes, MiniLM text vectors of every item; see recommender/item_vectors.py)."""
import json

from django.core.management.base import BaseCommand

from recommender.models import Item
from recommender.previews import PreviewUnavailable, preview_score
from recommender.training import refresh_item_vectors


class Command(BaseCommand):
    help = "Parse the catalogue's corpus scores once (previews + fingerprints); --json prints the counts."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--no-vectors", action="store_true",
                            help="only the fingerprints: leave the text and VAE vectors to the next training")

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
        if not opts["no_vectors"]:
            result.update(refresh_item_vectors())
        self.stdout.write(json.dumps(result) if opts["json"] else
                          f"{done} scores indexed, {failed} without notes; item vectors: "
                          f"{result.get('text_vectors', 0)} text, {result.get('sound_vectors', 0)} sound.")
