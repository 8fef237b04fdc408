"""Metres, whole tunes, chords, voices and instruments through the studio API (model calls mocked:
these tests check what the web layer passes to the services and stores, not the model)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.unit.studio_web.studio_factories import chorale_score, melody_score, midi_bytes

from jobs.messages import shown
from jobs.models import Job
from studio import services
from studio.music.chords import parse_progression
from studio.music.errors import ModelUnavailable
from studio.models import Sketch

pytestmark = pytest.mark.django_db
API = "/api/studio/"


def test_generate_a_16_bar_jig_over_chords(api_client, user, fake_models, eager_jobs):
    body = {"model": "vae", "metre": "6/8", "bars": 16, "chords": "Am F | C G7", "count": 2}
    r = api_client.post(API + "generate/", body, format="json")
    assert r.status_code == 202, r.json()
    job = Job.objects.get()
    assert {k: job.params[k] for k in ("metre", "bars", "chords")} == {"metre": "6/8", "bars": 16,
                                                                     "chords": "Am F | C G7"}
    over = next(c for c in fake_models if c[0] == "sample-over")
    assert over[1] == "6/8" and over[2][:4] == [("Am", 0, 6), ("F", 6, 6), ("C", 12, 6), ("G7", 18, 6)]
    assert len(over[2]) == 32  # two chords a bar, repeated over 16 bars
    rows = Sketch.objects.filter(pk__in=job.result["sketch_ids"])
    assert {(s.metre, s.bars) for s in rows} == {("6/8", 16)}
    assert rows[0].as_score().chords[0].symbol == "Am"


@pytest.mark.parametrize("body, field, words", [
    ({"chords": "Am Xq7 C"}, "chords", "“Xq7”"),
    ({"chords": "Am F C G D", "bars": 4}, "chords", "5 bars"),
    ({"chords": "C D E F G | C", "metre": "6/8"}, "chords", "6/8"),
    ({"metre": "5/4"}, "metre", "5/4"),
    ({"bars": 12}, "bars", "12"),
    ({"model": "gan", "bars": 16}, "bars", "2 or 4"),
    ({"model": "gan", "chords": "C G"}, "chords", "VAE"),
])
def test_bad_metres_bars_and_chords_are_400_naming_the_problem(api_client, fake_models, body, field, words):
    r = api_client.post(API + "generate/", body, format="json")
    assert r.status_code == 400 and words in " ".join(r.json()[field])
    assert not Job.objects.exists()


def test_vary_one_voice_of_a_chorale_over_chords(api_client, user, make_sketch, fake_models, eager_jobs):
    source = make_sketch(user, score=chorale_score(melody_score(bars=2)))
    r = api_client.post(API + "vary/", {"sketch": source.id, "voice": 2, "chords": "C G", "count": 1}, format="json")
    assert r.status_code == 202, r.json()
    assert ("vary-over", 2, [("C", 0, 16), ("G", 16, 16)]) in fake_models
    bad = api_client.post(API + "vary/", {"sketch": source.id, "voice": 4}, format="json")
    assert bad.status_code == 400 and "no voice 5" in bad.json()["voice"][0]
    too_long = api_client.post(API + "vary/", {"sketch": source.id, "chords": "C F G"}, format="json")
    assert too_long.status_code == 400 and "3 bars" in too_long.json()["chords"][0]


def test_suggested_chords_come_back_as_editable_text(api_client, user, make_sketch, fake_models, monkeypatch):
    score = melody_score(bars=4)
    sketch = make_sketch(user, score=score)
    r = api_client.get(f"{API}sketches/{sketch.id}/chords/")
    assert r.status_code == 200
    assert r.json()["chords"] == "C | G7 | C | G7" and r.json()["items"][1] == {"symbol": "G7", "start": 16,
                                                                                "duration": 16}
    assert api_client.post(API + "vary/", {"sketch": sketch.id, "chords": r.json()["chords"]},
                           format="json").status_code == 202

    def missing(score):
        raise ModelUnavailable("The VAE model is not installed on this site; please tell its administrator.")

    monkeypatch.setattr(services, "suggest_chords", missing, raising=False)
    assert api_client.get(f"{API}sketches/{sketch.id}/chords/").status_code == 503


def test_instruments_per_voice_are_kept_and_checked(api_client, user, make_sketch):
    sketch = make_sketch(user, score=chorale_score(melody_score(bars=2)))
    url = f"{API}sketches/{sketch.id}/"
    assert api_client.patch(url, {"programs": [40, 41, 42, 43]}, format="json").status_code == 200
    sketch.refresh_from_db()
    assert sketch.as_score().programs == [40, 41, 42, 43]
    assert api_client.patch(url, {"programs": [40]}, format="json").status_code == 400
    assert api_client.patch(url, {"programs": [40, 41, 42, 999]}, format="json").status_code == 400


def test_a_new_version_keeps_metre_chords_and_instruments(api_client, user, make_sketch):
    score = melody_score(bars=2)
    score.metre, score.programs = "3/4", [73]
    score.chords = parse_progression("F C", "3/4", 2)
    score.notes = [n for n in score.notes if n.end <= 24]
    sketch = make_sketch(user, score=score)
    notes = [{"pitch": 65, "start": 0, "duration": 12}]
    r = api_client.post(f"{API}sketches/{sketch.id}/versions/", {"notes": notes}, format="json")
    assert r.status_code == 201, r.json()
    saved = Sketch.objects.get(pk=r.json()["id"]).as_score()
    assert (saved.metre, [c.symbol for c in saved.chords], saved.programs) == ("3/4", ["F", "C"], [73])
    assert r.json()["metre"] == "3/4"


def test_interpolating_needs_one_metre(api_client, user, make_sketch, fake_models):
    a, b = make_sketch(user, score=melody_score(bars=2)), make_sketch(user, score=melody_score(bars=2))
    b.metre = "3/4"
    b.save()
    r = api_client.post(API + "interpolate/", {"a": a.id, "b": b.id}, format="json")
    assert r.status_code == 400 and "3/4" in r.json()["b"][0]


def test_an_upload_without_the_chosen_voice_fails_the_job_with_a_sentence(api_client, user, fake_models, eager_jobs):
    upload = SimpleUploadedFile("tune.mid", midi_bytes(), content_type="audio/midi")
    r = api_client.post(API + "vary/", {"file": upload, "voice": 2}, format="multipart")
    assert r.status_code == 202
    job = Job.objects.get()
    assert job.status == "failed" and "no voice 3" in shown(job.error)
    assert not Sketch.objects.filter(origin="varied").exists()
