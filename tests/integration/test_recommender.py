"""The recommender through Django: import, training, the feed and its reasons, events, privacy."""
import json
from datetime import timedelta

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from recommender import events, feed, item_vectors, serving, training
from recommender.exports import export_user_data
from recommender.models import Aggregate, Event, ImportedPlay, Item, ModelVersion, UserFactor

pytestmark = pytest.mark.django_db

FOLK_TAGS = ["folk", "fiddle", "celtic"]
METAL_TAGS = ["metal", "heavy", "guitar"]


def same_text_vector(texts):
    """A fast stand-in for MiniLM (the e2e feed test trains with the real one): one vector for every text,
    which centring turns into no text block, so these tests see tags alone."""
    return np.ones((len(texts), 4), dtype=np.float32) / 2


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(item_vectors, "encode_texts", same_text_vector)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MOTIF_MODEL_DIR = str(tmp_path / "models")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    serving.reset_serving_cache()
    yield
    serving.reset_serving_cache()


@pytest.fixture
def catalogue():
    """60 items in two tag clusters (each item with one tag of its own besides its cluster's, as real
    catalogues have), 12 creators, 40 pseudonymous listeners of one cluster each."""
    items = []
    for k in range(60):
        folk = k % 2 == 0
        items.append(Item.objects.create(
            kind=Item.KIND_IMPORTED, source="test", external_id=str(k), title=f"{'Folk' if folk else 'Metal'} {k}",
            creator=f"creator {k % 12}", tags=(FOLK_TAGS if folk else METAL_TAGS) + [f"{'reel' if folk else 'riff'} {k % 5}"]))
    plays = []
    for listener in range(40):
        folk = listener % 2 == 0
        cluster = [it for k, it in enumerate(items) if (k % 2 == 0) == folk]
        for j in range(12):
            item = cluster[(listener * 3 + j * 2) % len(cluster)]
            plays.append(ImportedPlay(listener=f"l{listener}", item=item, plays=5 + j))
    ImportedPlay.objects.bulk_create(plays, ignore_conflicts=True)
    return items


@pytest.fixture
def trained(catalogue):
    return training.train(components=["itemknn", "als", "content", "popularity", "ease"], tune=False)


def page(client, session=None):
    response = client.get("/api/feed/", {"session": session} if session else {})
    assert response.status_code == 200, response.content
    return response.json()


def post_events(client, events):
    return client.post("/api/events/", {"events": events}, format="json")


def test_import_catalog_is_idempotent_and_pseudonymous(tmp_path):
    (tmp_path / "artists.dat").write_text("id\tname\turl\tpictureURL\n1\tBjörk\thttp://x/1\t\n2\tAbba\thttp://x/2\t\n"
                                          "3\tNobody\thttp://x/3\t\n", encoding="utf-8")
    (tmp_path / "user_artists.dat").write_text("userID\tartistID\tweight\r\n7\t1\t100\r\n7\t2\t5\r\n8\t1\t9\r\n")
    (tmp_path / "tags.dat").write_bytes("tagID\ttagValue\r\n1\tcafé\r\n2\tpop\r\n".encode("latin-1"))
    (tmp_path / "user_taggedartists.dat").write_text("userID\tartistID\ttagID\tday\tmonth\tyear\n7\t1\t1\t1\t1\t2009\n")
    for _ in range(2):
        call_command("import_catalog", "lastfm-hetrec", "--path", str(tmp_path), "--json", stdout=open("/dev/null", "w"))
    assert Item.objects.filter(source="lastfm-hetrec").count() == 3
    assert ImportedPlay.objects.count() == 3
    bjork = Item.objects.get(source="lastfm-hetrec", external_id="1")
    assert bjork.title == "Björk" and bjork.tags == ["café"] and bjork.listeners == 2
    listeners = set(ImportedPlay.objects.values_list("listener", flat=True))
    assert len(listeners) == 2 and not {"7", "8"} & listeners and all(x.startswith("lfm-") for x in listeners)


def test_feed_pages_have_reasons_no_repeats_and_a_creator_cap(trained, user, api_client):
    Event.objects.create(user=user, item=Item.objects.get(external_id="0"), kind="like", timestamp=timezone.now())
    first = page(api_client)
    second = page(api_client, first["session"])
    assert len(first["results"]) == 20 and first["personalised"]
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(ids) == len(set(ids))
    for p in (first, second):
        creators = [r["creator"] for r in p["results"]]
        assert max(creators.count(c) for c in creators) <= feed.MAX_PER_CREATOR
    assert all(r["reason"] for r in first["results"])
    assert any(r["reason"].startswith("Because you liked Folk 0") for r in first["results"])
    # the liked cluster comes first
    assert sum("folk" in r["tags"] for r in first["results"][:10]) >= 8


def test_a_like_changes_the_very_next_page(trained, make_user, api_client, user):
    twin = make_user("twin")
    start = Item.objects.get(external_id="0")
    for u in (user, twin):
        Event.objects.create(user=u, item=start, kind="play", timestamp=timezone.now())
    from rest_framework.test import APIClient

    twin_client = APIClient()
    twin_client.force_authenticate(twin)
    mine, theirs = page(api_client), page(twin_client)
    assert [r["id"] for r in mine["results"]] == [r["id"] for r in theirs["results"]]
    metal = next(r for r in mine["results"] if "metal" in r["tags"]) if any(
        "metal" in r["tags"] for r in mine["results"]) else {"id": Item.objects.get(external_id="1").pk}
    assert post_events(api_client, [{"item": metal["id"], "kind": "like"}]).status_code == 201
    mine2, theirs2 = page(api_client, mine["session"]), page(twin_client, theirs["session"])
    assert [r["id"] for r in mine2["results"]] != [r["id"] for r in theirs2["results"]]
    assert sum("metal" in r["tags"] for r in mine2["results"]) > sum("metal" in r["tags"] for r in theirs2["results"])
    assert ModelVersion.objects.count() == 1  # no retrain happened


def test_dislike_and_not_interested_hide_items(trained, user, api_client):
    first = page(api_client)
    hidden = [first["results"][0]["id"], first["results"][1]["id"]]
    response = post_events(api_client, [{"item": hidden[0], "kind": "dislike"},
                                        {"item": hidden[1], "kind": "not_interested"}])
    assert response.status_code == 201
    fresh = page(api_client)
    assert not set(hidden) & {r["id"] for r in fresh["results"]}


def test_bad_event_batches_are_rejected_with_reasons_and_nothing_stored(trained, user, api_client):
    item = Item.objects.first()
    ts = timezone.now().isoformat()
    good = {"item": item.pk, "kind": "play"}
    cases = [
        ([good, {"item": 999999, "kind": "play"}], 1, "item"),
        ([good, {"item": item.pk, "kind": "play", "weight": -1}], 1, "weight"),
        ([good, {"item": item.pk, "kind": "play", "weight": 1e9}], 1, "weight"),
        ([good, {"item": item.pk, "kind": "play", "timestamp": (timezone.now() + timedelta(days=2)).isoformat()}],
         1, "timestamp"),
        ([{"item": item.pk, "kind": "like", "timestamp": ts}, {"item": item.pk, "kind": "like", "timestamp": ts}],
         1, "non_field_errors"),
        ([good, {"item": item.pk, "kind": "dance"}], 1, "kind"),
        ([good, "nonsense"], 1, "item"),
    ]
    for rows, bad_index, field in cases:
        response = post_events(api_client, rows)
        assert response.status_code == 400, rows
        errors = response.json()["errors"]
        assert [e["index"] for e in errors] == [bad_index] and field in errors[0]["errors"], errors
    big = post_events(api_client, [good] * 10_000)
    assert big.status_code == 400 and "10000" in big.json()["detail"]
    assert Event.objects.count() == 0
    # stored duplicates are caught too
    row = {"item": item.pk, "kind": "like", "timestamp": ts}
    assert post_events(api_client, [row]).status_code == 201
    again = post_events(api_client, [row])
    assert again.status_code == 400 and Event.objects.count() == 1


def test_no_user_sees_another_users_history(trained, user, other_user, api_client):
    from rest_framework.test import APIClient

    other = APIClient()
    other.force_authenticate(other_user)
    before = [r["id"] for r in page(other)["results"]]
    liked = Item.objects.get(external_id="1")
    assert post_events(api_client, [{"item": liked.pk, "kind": "like"}]).status_code == 201
    after = page(other)
    assert [r["id"] for r in after["results"]] == before
    assert not any(liked.title in r["reason"] for r in after["results"])
    assert export_user_data(other_user)["listening_events"] == []
    assert len(export_user_data(user)["listening_events"]) == 1


def test_cold_start_uses_profile_and_new_sketches_are_recommended_from_content(trained, user, api_client):
    user.profile.instruments = ["violin"]
    user.profile.genres = ["folk"]
    user.profile.save()
    sketch = Item.objects.create(kind=Item.KIND_SKETCH, source="studio", external_id="s1", title="New reel",
                                 creator="someone", tags=["folk", "fiddle", "celtic"])
    serving.reset_serving_cache()
    first = page(api_client)
    assert not first["personalised"]
    assert sketch.pk in [r["id"] for r in first["results"]]
    assert any(r["reason"].startswith("Matches your tags: fiddle") or "folk" in r["reason"]
               for r in first["results"])
    assert sum("folk" in r["tags"] for r in first["results"][:10]) >= 9


def test_similar_items_api(trained, api_client):
    folk = Item.objects.get(external_id="0")
    response = api_client.get(f"/api/recommendations/similar/{folk.pk}/")
    assert response.status_code == 200
    results = response.json()
    assert results and folk.pk not in [r["id"] for r in results]
    assert "folk" in results[0]["tags"]
    assert api_client.get("/api/recommendations/similar/99999999/").status_code == 404


def test_pause_personalisation(trained, user, api_client):
    user.profile.personalisation_paused = True
    user.profile.save()
    item = Item.objects.first()
    assert post_events(api_client, [{"item": item.pk, "kind": "like"}]).status_code == 201
    assert not Event.objects.filter(user=user).exists()
    assert not page(api_client)["personalised"]


def test_retention_folds_old_events_into_aggregates(trained, user, settings):
    settings.MOTIF_EVENT_RETENTION_DAYS = 30
    item = Item.objects.first()
    old = timezone.now() - timedelta(days=40)
    Event.objects.create(user=user, item=item, kind="play", weight=2, timestamp=old)
    Event.objects.create(user=user, item=item, kind="like", timestamp=old + timedelta(minutes=1))
    Event.objects.create(user=user, item=item, kind="play", timestamp=timezone.now())
    result = events.fold_old_events()
    assert result["folded"] == 2 and Event.objects.filter(user=user).count() == 1
    agg = Aggregate.objects.get(user=user, item=item)
    assert (agg.plays, agg.likes, agg.weight) == (1, 1, 2 * 1.0 + 5.0)


def test_account_deletion_removes_events_aggregates_and_learnt_factors(catalogue, user, api_client):
    import numpy as np

    item = Item.objects.first()
    Event.objects.create(user=user, item=item, kind="like", timestamp=timezone.now())
    Aggregate.objects.create(user=user, item=item, plays=3, weight=3)
    version = training.train(components=["als", "popularity"], tune=False)
    assert UserFactor.objects.filter(user=user, version=version).exists()
    assert export_user_data(user)["learnt_factors"]
    sessions = [page(api_client)["session"], page(api_client)["session"]]
    keys = [f"recommender:feed:{user.pk}:{s}" for s in sessions] + [f"recommender:ranking:{user.pk}"]
    cache.set("recommender:instrument-top", {"violin": {item.pk}})
    assert all(cache.get(k) for k in keys)
    n_rows = version.n_users
    user.delete()
    assert not Event.objects.exists() and not Aggregate.objects.exists() and not UserFactor.objects.exists()
    assert not any(cache.get(k) for k in keys) and cache.get("recommender:instrument-top") is None
    with np.load(version.path, allow_pickle=False) as arrays:  # item-side arrays only, nothing per user
        assert all(n_rows not in arrays[name].shape for name in arrays.files)


def test_new_version_swaps_in_atomically(catalogue):
    v1 = training.train(components=["popularity", "content"], tune=False)
    assert serving.get_model().version_id == v1.pk
    v2 = training.train(components=["itemknn", "popularity"], tune=False)
    assert list(ModelVersion.objects.filter(is_active=True)) == [v2]
    serving._serving["checked"] = 0  # skip the 10 s re-check interval
    assert serving.get_model().version_id == v2.pk


def test_feed_works_before_any_training(catalogue, user, api_client):
    assert len(page(api_client)["results"]) == 20


def test_sketch_published_receiver_upserts_an_item(catalogue, user):
    from recommender.signals import on_sketch_published

    class FakeSketch:
        pk = 42
        owner = user
        title = "Spring jig"
        tags = ["folk", "jig"]
        notes = "A bright tune for fiddle"

        def get_absolute_url(self):
            return "/studio/sketches/42/"

    on_sketch_published(sender=None, sketch=FakeSketch())
    on_sketch_published(sender=None, sketch=FakeSketch())
    item = Item.objects.get(source="studio", external_id="42")
    assert item.kind == Item.KIND_SKETCH and item.tags == ["folk", "jig"] and item.owner == user
    assert item.url == "/studio/sketches/42/" and item.features["tag_counts"]["folk"] == 2.0

    from recommender.signals import on_sketch_unpublished

    on_sketch_unpublished(sender=None, sketch_id=42)
    assert not Item.objects.filter(source="studio", external_id="42").exists()


def test_publishing_a_real_studio_sketch_adds_it_to_the_catalogue(catalogue, user):
    studio_signals = pytest.importorskip("studio.signals")
    from studio.models import Sketch

    sketch = Sketch.objects.create(owner=user, title="Published tune", tags=["folk"], is_public=True,
                                   score={"notes": [], "bars": 2}, bars=2, tempo=100.0, key="G", origin="generated")
    studio_signals.sketch_published.send(sender=Sketch, sketch=sketch)
    item = Item.objects.get(source="studio", external_id=str(sketch.pk))
    assert item.title == "Published tune" and "key g" in item.features["tag_counts"]
    studio_signals.sketch_unpublished.send(sender=Sketch, sketch_id=sketch.pk)
    assert not Item.objects.filter(source="studio", external_id=str(sketch.pk)).exists()


def test_pages_onboarding_feed_item(catalogue, client, user):
    client.force_login(user)
    assert client.get("/feed/").url.endswith("/feed/onboarding/")
    response = client.post("/feed/onboarding/", {"instruments": ["violin"], "genres": ["folk"],
                                                  "items": [catalogue[0].pk, catalogue[2].pk]})
    assert response.status_code == 302
    assert Event.objects.filter(user=user, kind="like").count() == 2
    assert client.get("/feed/").status_code == 200
    assert client.post("/feed/onboarding/", {}).status_code == 400
    detail = client.get(f"/feed/items/{catalogue[0].pk}/")
    assert detail.status_code == 200 and b"Similar items" in detail.content


def test_schema_documents_the_api(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert {"/api/feed/", "/api/events/", "/api/recommendations/similar/{item_id}/"} <= set(paths)


def test_commands_recommend_and_train_json(catalogue, user, capsys):
    call_command("train_recommender", "--json", "--no-tune", "--components", "itemknn", "popularity")
    out = json.loads(capsys.readouterr().out)
    assert out["active"] and out["items"] == 60
    call_command("recommend", "--user", user.username, "--json")
    assert len(json.loads(capsys.readouterr().out)["results"]) == 20


def test_retrain_job_and_beat_tasks(catalogue, user, eager_jobs):
    from jobs.services import submit_job
    from recommender import tasks

    job = submit_job(user, "recommender.train", {"tune": False})
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert ModelVersion.objects.get(is_active=True).pk == job.result["version"]
    Event.objects.create(user=user, item=catalogue[0], kind="play", timestamp=timezone.now() - timedelta(days=999))
    assert tasks.fold_old_events()["folded"] == 1


def test_feed_cards_follow_renames_and_deletions(trained, user, api_client, monkeypatch):
    from recommender import cards

    monkeypatch.setattr(serving, "VERSION_CHECK_SECONDS", 0.0)
    first = page(api_client)["results"]
    renamed, deleted = Item.objects.get(pk=first[0]["id"]), Item.objects.get(pk=first[1]["id"])
    renamed.title = "Renamed while serving"
    renamed.save()
    assert cards.catalogue.cards[renamed.pk].title != renamed.title  # not refreshed until the next check
    deleted.delete()
    serving.get_model()
    assert cards.catalogue.cards[renamed.pk].title == "Renamed while serving"
    assert deleted.pk not in cards.catalogue.cards
    titles = {r["id"]: r["title"] for r in page(api_client)["results"]}
    assert deleted.pk not in titles
    similar = api_client.get(f"/api/recommendations/similar/{first[2]['id']}/").json()
    assert deleted.pk not in {s["id"] for s in similar}


def test_catalogue_refresh_is_incremental_until_something_is_deleted(catalogue, django_assert_num_queries):
    from recommender.cards import Catalogue, table_stamp

    cat = Catalogue()
    cat.refresh(table_stamp())
    assert len(cat.cards) == 60 and cat.cards[catalogue[0].pk].terms == (*FOLK_TAGS, "reel 0")
    added = Item.objects.create(kind=Item.KIND_SCORE, source="test", external_id="new", title="New score",
                                tags=["Chorale"])
    before = cat.cards
    cat.refresh(table_stamp())
    assert cat.cards is not before and cat.cards[added.pk].audio_url.endswith(f"/{added.pk}/midi/")
    assert cat.cards[added.pk].payload(reason="r", score=1.23456)["score"] == 1.2346
    catalogue[1].delete()
    cat.refresh(table_stamp())
    assert catalogue[1].pk not in cat.cards and len(cat.cards) == 60
    stamp = table_stamp()
    with django_assert_num_queries(0):
        cat.refresh(stamp)


@pytest.mark.parametrize("component, expected", [
    ("itemknn", "Because you liked Folk 0"), ("ease", "Because you liked Folk 0"),
    ("als", "Fans of Folk 0 also play this"), ("content", "Matches your tags: folk"),
    ("popularity", "Popular with listeners on Motif")])
def test_each_algorithm_explains_with_its_own_kind_of_reason(catalogue, user, api_client, component, expected):
    training.train(components=[component], tune=False)
    Event.objects.create(user=user, item=Item.objects.get(external_id="0"), kind="like", timestamp=timezone.now())
    reasons = [r["reason"] for r in page(api_client)["results"]]
    assert reasons.count(reasons[0]) >= 5 and any(r.startswith(expected) for r in reasons), reasons


def test_each_item_names_the_history_item_that_supports_it_most(trained, user, api_client):
    for external_id in ("0", "1"):
        Event.objects.create(user=user, item=Item.objects.get(external_id=external_id), kind="like",
                             timestamp=timezone.now())
    results = page(api_client)["results"]
    assert any(r["reason"] == "Because you liked Folk 0" for r in results), [r["reason"] for r in results]
    for r in results:  # each reason names what supports that item: its own cluster's like or tags
        own = ("Folk 0", "folk") if "folk" in r["tags"] else ("Metal 1", "metal")
        assert any(word in r["reason"] for word in own), r


def test_a_fresh_public_sketch_gets_the_exposure_slot_of_a_matching_feed(trained, user, other_user, api_client):
    from rest_framework.test import APIClient

    from recommender.feed import FRESH_SLOT

    Event.objects.create(user=user, item=Item.objects.get(external_id="0"), kind="like", timestamp=timezone.now())
    Event.objects.create(user=other_user, item=Item.objects.get(external_id="1"), kind="like",
                         timestamp=timezone.now())
    sketch = Item.objects.create(kind=Item.KIND_SKETCH, source="studio", external_id="s9", title="Fresh reel",
                                 creator="newcomer", tags=FOLK_TAGS)
    serving.reset_serving_cache()
    ids = [r["id"] for r in page(api_client)["results"]]
    assert ids.index(sketch.pk) == FRESH_SLOT
    other = APIClient()
    other.force_authenticate(other_user)
    theirs = [r["id"] for r in page(other)["results"]]
    assert sketch.pk not in theirs[: FRESH_SLOT + 1]  # a metal listener's feed does not promote it


def test_onboarding_offers_a_varied_slate_per_chosen_genre_and_instrument(catalogue, client, user):
    from recommender.onboarding import SLATE_SIZE, onboarding_slates

    slates = dict(onboarding_slates(instruments=["violin"], genres=["metal"]))
    assert list(slates)[:2] == ["Metal", "Violin"]
    assert all("metal" in item.tags for item in slates["Metal"]) and len(slates["Metal"]) == SLATE_SIZE
    assert all("fiddle" in item.tags for item in slates["Violin"])
    for items in slates.values():
        assert len({item.creator for item in items}) == len(items)
    assert not {i.pk for i in slates["Metal"]} & {i.pk for i in slates["Violin"]}
    client.force_login(user)
    shown = client.post("/feed/onboarding/", {"genres": ["metal"], "show_pieces": "1"})
    assert shown.status_code == 200 and b"<legend>Metal</legend>" in shown.content
    assert not Event.objects.filter(user=user).exists()
    pick = slates["Metal"][0]
    assert client.post("/feed/onboarding/", {"genres": ["metal"], "items": [pick.pk]}).status_code == 302
    assert list(Event.objects.filter(user=user).values_list("item_id", flat=True)) == [pick.pk]


def test_chosen_genres_still_count_after_the_first_likes(trained, user, api_client):
    Event.objects.create(user=user, item=Item.objects.get(external_id="1"), kind="like", timestamp=timezone.now())
    assert sum("folk" in r["tags"] for r in page(api_client)["results"][:10]) == 0
    user.profile.genres = ["folk"]
    user.profile.save()
    first = page(api_client)
    assert first["personalised"] and sum("folk" in r["tags"] for r in first["results"][:10]) >= 3


def test_previews_give_the_notes_of_scores_and_public_sketches_only(catalogue, client, user):
    from studio.models import Sketch

    client.force_login(user)
    score = {"notes": [{"pitch": 62, "start": 0, "duration": 4, "velocity": 90, "voice": 0}], "bars": 1,
             "tempo": 90.0, "key": "D", "voices": ["melody"]}
    public = Sketch.objects.create(owner=user, title="Shared", is_public=True, score=score, bars=1, tempo=90.0,
                                   key="D", origin="generated")
    private = Sketch.objects.create(owner=user, title="Mine", is_public=False, score=score, bars=1, tempo=90.0,
                                    key="D", origin="generated")
    shared, hidden = (Item.objects.create(kind=Item.KIND_SKETCH, source="studio", external_id=str(s.pk), title=s.title)
                      for s in (public, private))
    chorale = Item.objects.create(kind=Item.KIND_SCORE, source="music21", external_id="bwv66.6", title="Chorale",
                                  features={"corpus_path": "bach/bwv66.6"})
    assert client.get(f"/feed/items/{shared.pk}/preview/").json()["notes"][0]["pitch"] == 62
    for item in (hidden, catalogue[0]):
        response = client.get(f"/feed/items/{item.pk}/preview/")
        assert response.status_code == 404 and response.json()["detail"] == "This piece has no preview to play."
    notes = client.get(f"/feed/items/{chorale.pk}/preview/").json()
    assert notes["voices"] == ["soprano", "alto", "tenor", "bass"] and len(notes["notes"]) > 50
    serving.reset_serving_cache()
    cards = {r["id"]: r for r in page_of(client)}
    assert cards[chorale.pk]["preview_url"].endswith(f"/{chorale.pk}/preview/")
    assert cards[chorale.pk]["audio_url"].endswith(f"/{chorale.pk}/midi/")


def page_of(client):
    """Every item of the catalogue as the feed API shows it, over as many pages as it takes."""
    seen, session = [], None
    for _ in range(10):
        body = client.get("/api/feed/", {"session": session} if session else {}).json()
        seen += body["results"]
        session = body["session"]
        if not body["results"]:
            break
    return seen


def test_a_piece_that_sounds_like_one_you_liked_says_so(catalogue, user, api_client):
    from recommender.sounds import fingerprint

    def run(shift, step):  # running notes up a scale, every ``step`` sixteenths
        return {"notes": [{"pitch": 60 + shift + [0, 2, 4, 5, 7, 9, 11, 12][k % 8], "start": step * k,
                           "duration": step, "voice": 0} for k in range(32)], "bars": 8}

    def score_item(name, score, tags):
        return Item.objects.create(kind=Item.KIND_SCORE, source="test", external_id=name, title=name,
                                   creator=name, tags=tags, features={"sound": fingerprint(score)})

    liked = score_item("Reel in G", run(7, 2), ["folk"])
    twin = score_item("Reel in D", run(2, 2), ["folk"])
    slow = score_item("Slow air", {"notes": [{"pitch": 57 + [0, 3, 7, 5][k % 4], "start": 12 * k, "duration": 12,
                                              "voice": 0} for k in range(10)], "bars": 8}, ["folk"])
    assert fingerprint(run(7, 2)) == fingerprint(run(2, 2))  # the key does not change how it sounds
    training.train(components=["content"], tune=False)
    Event.objects.create(user=user, item=liked, kind="like", timestamp=timezone.now())
    reasons = {r["id"]: r["reason"] for r in page_of(api_client)}
    assert reasons[twin.pk] == "Sounds like Reel in G"
    assert reasons[slow.pk].startswith("Matches your tags")
