"""Fill a playable demo catalogue from music21's bundled corpus (metadata only; MIDI is rendered from the
score the first time someone plays it). Idempotent and fast (a few seconds)."""
import json
import re
import string

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

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
# Folders of one composer: their scores' composer fields are sometimes garbled ("W.AMozart.").
ONE_COMPOSER = {"bach", "palestrina", "monteverdi", "mozart", "beethoven", "haydn", "schumann", "joplin",
                "corelli", "handel"}
WORK_NUMBERS = [(re.compile(r"opus(\d+)no(\d+)", re.I), "Op. {} No. {}"), (re.compile(r"opus(\d+)", re.I), "Op. {}"),
                (re.compile(r"k(\d+)", re.I), "K. {}"), (re.compile(r"bwv(\S+)", re.I), "BWV {}")]
VOICE_PARTS = {"canto", "cantus", "soprano", "alto", "altus", "tenor", "basso", "bassus", "bass", "score"}
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


def _work_name(name: str) -> str:
    """A catalogue number from a corpus folder or file name: "opus59no1" -> "Op. 59 No. 1", "k458" -> "K. 458"."""
    for pattern, template in WORK_NUMBERS:
        match = pattern.fullmatch(name)
        if match:
            return template.format(*match.groups())
    return name.replace("_", " ")


def _usable(name: str | None, stem: str) -> str | None:
    """``name`` when it reads as a title: not a file name, a number, a voice part or scanning debris."""
    name = (name or "").strip().rstrip(".")
    if not name or name == stem or name.lower() in VOICE_PARTS or re.fullmatch(
            r"movement\d+|\d+|madrigal[.\d]+|.*\.(mxl|xml|krn|abc|mid)", name, re.I):
        return None
    if sum(ch.isalpha() or ch.isspace() for ch in name) < 0.7 * len(name):
        return None
    return string.capwords(name) if name.islower() or name.isupper() else name


def readable_title(title: str | None, movement: str | None, path: str) -> str:
    """A title for a corpus score from its title and movement fields, or from its path when they say
    nothing: "haydn/opus1no1/movement3.mxl" -> "Op. 1 No. 1, movement 3", "bach/bwv101.7.mxl" ->
    "Chorale BWV 101.7", "monteverdi/madrigal.3.3.mxl" -> "Madrigal, book 3 no. 3"."""
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    numbered = re.fullmatch(r"movement(\d+)", stem, re.I)
    title, movement = _usable(title, stem), _usable(movement, stem)
    if title and movement and movement != title:
        return f"{title}: {movement}"
    if title:
        return f"{title}, movement {numbered.group(1)}" if numbered else title
    if numbered and len(parts) > 2:
        return f"{_work_name(parts[-2])}, movement {numbered.group(1)}"
    if movement:
        return movement
    madrigal = re.fullmatch(r"madrigal\.(\d+)\.(\d+)", stem, re.I)
    if madrigal:
        return "Madrigal, book {} no. {}".format(*madrigal.groups())
    if parts[0] == "bach" and stem.lower().startswith("bwv"):
        return f"Chorale {_work_name(stem)}"
    name = _work_name(stem)
    return string.capwords(name) if name.islower() else name


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
        existing = {e: (pk, t, c) for e, pk, t, c in Item.objects.filter(source=SOURCE).values_list(
            "external_id", "id", "title", "creator")}
        new, renamed, total = [], [], 0
        for folder, (count, default_creator, tags) in COLLECTIONS.items():
            entries = by_collection.get(folder, [])
            count = max(1, int(count * opts["scale"]))
            step = max(1, len(entries) // count)
            for key, entry in entries[::step][:count]:
                md = entry.metadata
                if md is None:
                    continue
                path = str(entry.sourcePath)
                title = readable_title(md.title, md.movementName, path)[:250]
                composer = default_creator if folder in ONE_COMPOSER else (md.composer or default_creator)
                external_id = f"{entry.sourcePath}#{entry.number or ''}"
                total += 1
                if external_id in existing:
                    pk, old_title, old_creator = existing[external_id]
                    if (old_title, old_creator) != (title, str(composer)[:250]):  # titles made by an older version
                        renamed.append(Item(pk=pk, title=title, creator=str(composer)[:250], updated_at=timezone.now()))
                    continue
                existing[external_id] = (None, title, composer)
                new.append(Item(kind=Item.KIND_SCORE, source=SOURCE, external_id=external_id, title=title,
                                creator=str(composer)[:250],
                                tags=_tags(tags, title, md.localeOfComposition),
                                features={"corpus_path": str(entry.sourcePath), "number": entry.number,
                                          "collection": default_creator,
                                          "region": md.localeOfComposition or ""}))
        with transaction.atomic():
            Item.objects.bulk_create(new, batch_size=1000)
            Item.objects.bulk_update(renamed, ["title", "creator", "updated_at"], batch_size=1000)
        result = {"source": SOURCE, "works": total, "created": len(new), "renamed": len(renamed)}
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo catalogue: {total} works ({len(new)} new)."))
