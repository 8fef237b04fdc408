"""Where a fresh public sketch first appears in the feed of a user whose taste it matches.

    MOTIF_DATA_DIR=<db with import_catalog + train_recommender> python benchmarks/recommender_exposure.py

Publishes (as a catalogue item, after the last training) a sketch tagged folk, celtic, fiddle; makes a
user who chose folk, Celtic and violin and liked the five most listened folk artists; pages through their
feed and prints the sketch's first position and reason. The probe rows stay in the database.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")


def main():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from recommender.feed import feed_page
    from recommender.models import Event, Item
    from recommender.profiles import profile_of

    sketch, _created = Item.objects.get_or_create(source="studio", external_id="exposure-probe", defaults=dict(
        kind=Item.KIND_SKETCH, title="Fresh reel (exposure probe)", creator="newcomer",
        tags=["folk", "celtic", "fiddle"]))
    user, _created = get_user_model().objects.get_or_create(username="exposure-probe")
    profile = profile_of(user)
    profile.genres, profile.instruments = ["folk", "celtic"], ["violin"]
    profile.save()
    popular = Item.objects.filter(kind=Item.KIND_IMPORTED).order_by("-listeners")[:3000]
    liked = [item for item in popular if "folk" in (item.tags or [])][:5]
    for item in liked:
        Event.objects.get_or_create(user=user, item=item, kind=Event.LIKE, defaults={"timestamp": timezone.now()})
    session = None
    for page in range(1, 51):
        result = feed_page(user, session)
        session = result["session"]
        ids = [r["id"] for r in result["results"]]
        if sketch.pk in ids:
            k = ids.index(sketch.pk)
            print(f"Liked: {', '.join(i.title for i in liked)}")
            print(f"Fresh sketch first shown at position {(page - 1) * 20 + k + 1} (page {page}); "
                  f"reason: {result['results'][k]['reason']}")
            return
    print("Fresh sketch not shown in the first 50 pages")


if __name__ == "__main__":
    main()
