"""Fill a playable demo catalogue from music21's bundled corpus (metadata only; MIDI is rendered from the
score the first time someone plays it). Idempotent and fast (a few seconds)."""
import json
import re

from django.core.management.base import BaseCommand
from django.db import transaction

from recommender.models import Item

SOURCE = "music21"
# corpus folder -> (how many works, creator when the score names no composer, tags)
COLLECTIONS = {
    "bach": (60, "J.S. Bach", ["baroque", "chorale", "choral", "classical", "germany"]),
    "essenFolksong": (100, "Essen folk song collection", ["folk", "folk song", "vocal"]),
    "oneills1850": (50, "O'Neill's Music of Ireland (1850)", ["folk", "celtic", "irish", "fiddle"]),
    "ryansMammoth": (40, "Ryan's Mammoth Collection", ["folk", "fiddle", "american", "dance"]),
    "airdsAirs": (30, "Aird's Airs", ["folk", "celtic", "scottish", "fiddle"]),
    "palestrina": (20, "Palestrina", ["renaissance", "sacred", "choral", "classical", "italy"]),
    "monteverdi": (10, "Claudio Monteverdi", ["renaissance", "madrigal", "choral", "italy"]),
    "mozart": (5, "W.A. Mozart", ["classical", "piano", "strings"]),
    "beethoven": (10, "Ludwig van Beethoven", ["classical", "strings", "piano"]),
    "haydn": (5, "Joseph Haydn", ["classical", "strings"]),
    "schumann": (5, "Robert Schumann", ["romantic", "classical", "piano"]),
    "joplin": (3, "Scott Joplin", ["ragtime", "piano", "american"]),
    "corelli": (5, "Arcangelo Corelli", ["baroque", "violin", "strings", "italy"]),
    "handel": (5, "G.F. Handel", ["baroque", "classical"]),
    "trecento": (10, "Trecento", ["medieval", "italy", "vocal"]),
}
FORMS = ["reel", "jig", "hornpipe", "strathspey", "waltz", "march", "polka", "air", "lament", "song", "dance",
         "chorale", "mass", "madrigal", "sonata", "quartet", "minuet", "gavotte", "schottische", "fling",
         "benedictus", "sanctus", "agnus", "kyrie", "gloria", "credo", "rag"]
REGIONS = {"deutschland": "german", "china": "chinese", "schweiz": "swiss", "luxemburg": "luxembourg",
           "russland": "russian", "oesterreich": "austrian", "polen": "polish", "ungarn": "hungarian",
           "frankreich": "french", "niederlande": "dutch", "elsass": "alsatian", "tirol": "tyrolean"}


def _entries():
    from music21 import corpus

    bundle = corpus.corpora.CoreCorpus().metadataBundle
    return sorted(bundle._metadataEntries.items())  # the bundle has no public iterator over keys


def _title_from_path(path: str, folder: str) -> str:
    """A readable title when the score has none: "bach/bwv101.7.mxl" -> "Chorale BWV 101.7"."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if folder == "bach" and stem.lower().startswith("bwv"):
        return f"Chorale BWV {stem[3:]}"
    return stem.replace("_", " ")


def _tags(collection_tags, title, locale):
    tags = list(collection_tags)
    lowered = (title or "").lower()
    tags += [f for f in FORMS if re.search(rf"\b{f}s?\b", lowered)]
    for word, tag in REGIONS.items():
        if word in (locale or "").lower():
            tags.append(tag)
    return list(dict.fromkeys(tags))


class Command(BaseCommand):
    help = "Create a demo catalogue of a few hundred works from music21's corpus (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of works per collection")

    def handle(self, *args, **opts):
        by_collection = {}
        for key, entry in _entries():
            folder = str(entry.sourcePath).split("/", 1)[0]
            if folder in COLLECTIONS:
                by_collection.setdefault(folder, []).append((key, entry))
        existing = set(Item.objects.filter(source=SOURCE).values_list("external_id", flat=True))
        new, total = [], 0
        for folder, (count, default_creator, tags) in COLLECTIONS.items():
            entries = by_collection.get(folder, [])
            count = max(1, int(count * opts["scale"]))
            step = max(1, len(entries) // count)
            for key, entry in entries[::step][:count]:
                md = entry.metadata
                if md is None:
                    continue
                movement = md.movementName if md.movementName and not re.search(
                    r"\.(mxl|xml|krn|abc|mid)$", str(md.movementName)) else None
                title = str(md.title or movement or _title_from_path(str(entry.sourcePath), folder))
                title = title.strip().rstrip(".")[:250]
                composer = md.composer or default_creator
                external_id = f"{entry.sourcePath}#{entry.number or ''}"
                total += 1
                if external_id in existing:
                    continue
                existing.add(external_id)
                new.append(Item(kind=Item.KIND_SCORE, source=SOURCE, external_id=external_id, title=title,
                                creator=str(composer)[:250],
                                tags=_tags(tags, title, md.localeOfComposition),
                                features={"corpus_path": str(entry.sourcePath), "number": entry.number,
                                          "collection": default_creator,
                                          "region": md.localeOfComposition or ""}))
        with transaction.atomic():
            Item.objects.bulk_create(new, batch_size=1000)
        result = {"source": SOURCE, "works": total, "created": len(new)}
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo catalogue: {total} works ({len(new)} new)."))
