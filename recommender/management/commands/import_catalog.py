"""Import a listening data set into the catalogue: ``import_catalog lastfm-hetrec --path DIR``."""
import hashlib
import json
import os
from collections import Counter, defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from recommender.models import ImportedPlay, Item

SOURCE = "lastfm-hetrec"
BATCH = 5000


def pseudonym(user_id: str) -> str:
    """A stable pseudonymous listener id (the data set's user ids are not kept)."""
    return "lfm-" + hashlib.sha256(f"motif/{SOURCE}/{user_id}".encode()).hexdigest()[:16]


def _rows(path, encoding="utf-8"):
    with open(path, encoding=encoding, errors="replace") as fh:
        next(fh)
        for line in fh:
            line = line.rstrip("\r\n")
            if line:
                yield line.split("\t")


class Command(BaseCommand):
    help = "Import HetRec 2011 Last.fm (artists, tags, play counts) into the catalogue; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("dataset", choices=[SOURCE])
        parser.add_argument("--path", default=os.path.join("..", "shared", "data", "lastfm-hetrec"))
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--limit-users", type=int, default=None, help="import only the first N users")

    def handle(self, *args, **opts):
        path = opts["path"]
        for name in ("artists.dat", "user_artists.dat", "tags.dat"):
            if not os.path.exists(os.path.join(path, name)):
                raise CommandError(f"{name} not found in {path}")
        quiet = opts["json"] or opts["verbosity"] == 0
        tags = {tid: value for tid, value in _rows(os.path.join(path, "tags.dat"), "latin-1")}
        artist_tags = defaultdict(Counter)
        tagged = os.path.join(path, "user_taggedartists.dat")
        if os.path.exists(tagged):
            for row in _rows(tagged):
                if row[2] in tags:
                    artist_tags[row[1]][tags[row[2]].lower()] += 1
        plays = [r for r in _rows(os.path.join(path, "user_artists.dat"))]
        if opts["limit_users"]:
            keep = sorted({r[0] for r in plays}, key=int)[: opts["limit_users"]]
            keep = set(keep)
            plays = [r for r in plays if r[0] in keep]
        listeners = Counter(r[1] for r in plays)
        artists = list(_rows(os.path.join(path, "artists.dat")))
        if opts["limit_users"]:
            artists = [a for a in artists if a[0] in listeners]
        created = 0
        with transaction.atomic():
            existing = {e[0]: e[1:] for e in Item.objects.filter(source=SOURCE).values_list(
                "external_id", "id", "title", "tags", "features", "url", "listeners")}
            new, update = [], []
            for row in tqdm(artists, desc="artists", disable=quiet):
                aid, name = row[0], row[1]
                counts = artist_tags.get(aid, Counter())
                fields = dict(kind=Item.KIND_IMPORTED, source=SOURCE, external_id=aid, title=name, creator=name,
                              tags=[t for t, _n in counts.most_common(6)],
                              features={"tag_counts": dict(counts.most_common(30))},
                              url=row[2] if len(row) > 2 else "", listeners=listeners.get(aid, 0))
                if aid in existing:
                    old = existing[aid]
                    if old[1:] != (fields["title"], fields["tags"], fields["features"], fields["url"],
                                   fields["listeners"]):
                        update.append(Item(pk=old[0], **fields))
                else:
                    new.append(Item(**fields))
            Item.objects.bulk_create(new, batch_size=BATCH)
            now = timezone.now()
            for item in update:  # bulk_update skips auto_now, and the feed's catalogue cards watch updated_at
                item.updated_at = now
            Item.objects.bulk_update(update, ["title", "creator", "tags", "features", "url", "listeners",
                                              "updated_at"], batch_size=BATCH)
            created = len(new)
            ids = dict(Item.objects.filter(source=SOURCE).values_list("external_id", "id"))
            objs = [ImportedPlay(listener=pseudonym(u), item_id=ids[a], plays=int(w))
                    for u, a, w in tqdm(plays, desc="play counts", disable=quiet) if a in ids]
            ImportedPlay.objects.bulk_create(objs, batch_size=BATCH, update_conflicts=True,
                                             unique_fields=["listener", "item"], update_fields=["plays"])
        result = {"dataset": SOURCE, "items": len(ids), "items_created": created, "play_counts": len(objs),
                  "listeners": len({r[0] for r in plays}), "tags": len(tags)}
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Imported {result['items']} artists ({created} new), {result['play_counts']} play counts of "
                f"{result['listeners']} pseudonymous listeners. Run `manage.py train_recommender` next."))
