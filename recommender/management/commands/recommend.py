"""Print a user's next feed page (with reasons), or the items similar to one item."""
import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from recommender.feed import feed_page, similar_items
from recommender.cards import card_of
from recommender.models import Item


class Command(BaseCommand):
    help = "Show recommendations: --user USERNAME (feed page) or --similar ITEM_ID."

    def add_arguments(self, parser):
        parser.add_argument("--user")
        parser.add_argument("--similar", type=int)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        if opts["similar"]:
            item = Item.objects.filter(pk=opts["similar"]).first()
            if item is None:
                raise CommandError("No such item.")
            result = {"item": card_of(item).payload(), "similar": similar_items(item)}
        elif opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError("No such user.")
            result = feed_page(user)
        else:
            raise CommandError("Give --user or --similar.")
        if opts["json"]:
            self.stdout.write(json.dumps(result, default=str))
            return
        rows = result.get("results") or result.get("similar")
        for r in rows:
            self.stdout.write(f"{r['id']:>7}  {r['title'][:50]:50s}  {r.get('reason', '')}")
