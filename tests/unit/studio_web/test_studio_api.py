"""The studio REST API: library CRUD and filters, privacy, versions, the four jobs, bad uploads."""
import io
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from studio.music import sandbox
from studio.models import ScoreUpload, Sketch
from studio.signals import sketch_published, sketch_unpublished
from tests.conftest import error_text
from tests.unit.studio_web.studio_factories import chorale_score, melody_score, midi_bytes

pytestmark = pytest.mark.django_db
API = "/api/studio/"


def test_list_shows_only_my_sketches(api_client, user, other_user, make_sketch):
    mine = make_sketch(user, "Mine")
    make_sketch(other_user, "Theirs")
    make_sketch(other_user, "Theirs public", is_public=True)
    data = api_client.get(API + "sketches/").json()
    assert [s["id"] for s in data["results"]] == [mine.id]
    assert data["results"][0]["score"]["notes"]
    public = api_client.get(API + "sketches/?scope=public").json()
    assert [s["title"] for s in public["results"]] == ["Theirs public"]


@pytest.mark.parametrize("suffix", ["", "midi/", "musicxml/", "wav/"])
def test_another_users_private_sketch_is_404_everywhere(api_client, other_user, make_sketch, suffix):
    theirs = make_sketch(other_user)
    assert api_client.get(f"{API}sketches/{theirs.id}/{suffix}").status_code == 404


def test_another_users_private_sketch_cannot_be_changed_or_used(api_client, other_user, make_sketch, eager_jobs):
    theirs = make_sketch(other_user)
    url = f"{API}sketches/{theirs.id}/"
    assert api_client.patch(url, {"title": "x"}, format="json").status_code == 404
    assert api_client.delete(url).status_code == 404
    assert api_client.post(url + "versions/", {"notes": [{"pitch": 60, "start": 0, "duration": 1}]},
                           format="json").status_code == 404
    assert api_client.post(API + "vary/", {"sketch": theirs.id}, format="json").status_code == 404
    assert api_client.post(API + "harmonize/", {"sketch": theirs.id}, format="json").status_code == 404
    assert Sketch.objects.count() == 1 and not Job.objects.exists()


def test_public_sketch_is_readable_but_not_writable(api_client, other_user, make_sketch):
    theirs = make_sketch(other_user, is_public=True)
    assert api_client.get(f"{API}sketches/{theirs.id}/").status_code == 200
    assert api_client.get(f"{API}sketches/{theirs.id}/midi/").status_code == 200
    assert api_client.patch(f"{API}sketches/{theirs.id}/", {"title": "x"}, format="json").status_code == 404


def test_search_filter_and_sort(api_client, user, make_sketch):
    make_sketch(user, "Blue tune", tags=["blues", "slow"], saved=True)
    make_sketch(user, "Air", tags=["folk"], saved=True, score=melody_score(tempo=90))
    make_sketch(user, "Draft", saved=False)
    titles = lambda query: [s["title"] for s in api_client.get(API + "sketches/" + query).json()["results"]]  # noqa: E731
    assert titles("?q=blue") == ["Blue tune"]
    assert titles("?q=folk") == ["Air"]
    assert titles("?tag=slow") == ["Blue tune"]
    assert titles("?saved=true&ordering=title") == ["Air", "Blue tune"]
    assert titles("?saved=false") == ["Draft"]
    assert titles("?saved=true&ordering=tempo") == ["Air", "Blue tune"]
    assert api_client.get(API + "sketches/?ordering=owner__password").status_code == 400
    assert api_client.get(API + "sketches/?ids=1,x").status_code == 400


def test_rename_tag_and_publish_sends_the_signal_once(api_client, user, make_sketch,
                                                     django_capture_on_commit_callbacks):
    sketch = make_sketch(user)
    received = []
    handler = lambda sender, sketch, **kw: received.append(sketch.id)  # noqa: E731
    sketch_published.connect(handler)
    try:
        url = f"{API}sketches/{sketch.id}/"
        with django_capture_on_commit_callbacks(execute=True):
            r = api_client.patch(url, {"title": " Night song ", "tags": ["Dark", "dark", "slow"], "is_public": True},
                                 format="json")
        assert r.status_code == 200, r.json()
        assert (r.json()["title"], r.json()["tags"], r.json()["is_public"]) == ("Night song", ["dark", "slow"], True)
        with django_capture_on_commit_callbacks(execute=True):
            api_client.patch(url, {"title": "Again"}, format="json")
    finally:
        sketch_published.disconnect(handler)
    assert received == [sketch.id]
    sketch.refresh_from_db()
    assert sketch.saved and sketch.published_at is not None


def test_unpublishing_and_deleting_a_public_sketch_is_announced(api_client, user, make_sketch,
                                                                django_capture_on_commit_callbacks):
    first, second = make_sketch(user, is_public=True), make_sketch(user, is_public=True)
    received = []
    handler = lambda sender, sketch_id, **kw: received.append(sketch_id)  # noqa: E731
    sketch_unpublished.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            api_client.patch(f"{API}sketches/{first.id}/", {"is_public": False}, format="json")
            api_client.delete(f"{API}sketches/{second.id}/")
    finally:
        sketch_unpublished.disconnect(handler)
    assert received == [first.id, second.id]


def test_bad_library_changes_are_400(api_client, user, make_sketch):
    url = f"{API}sketches/{make_sketch(user).id}/"
    assert api_client.patch(url, {"title": "  "}, format="json").status_code == 400
    assert api_client.patch(url, {"tags": "not a list"}, format="json").status_code == 400
    assert api_client.patch(url, {"tags": [str(i) for i in range(20)]}, format="json").status_code == 400


def test_delete(api_client, user, make_sketch):
    sketch = make_sketch(user)
    assert api_client.delete(f"{API}sketches/{sketch.id}/").status_code == 204
    assert not Sketch.objects.exists()


def test_save_as_new_version_keeps_the_original(api_client, user, make_sketch):
    original = make_sketch(user, "Tune")
    notes = [{"pitch": 72, "start": 0, "duration": 8}, {"pitch": 71, "start": 8, "duration": 8, "velocity": 70}]
    r = api_client.post(f"{API}sketches/{original.id}/versions/", {"notes": notes}, format="json")
    assert r.status_code == 201, r.json()
    new = Sketch.objects.get(pk=r.json()["id"])
    assert (new.parent_id, new.version, new.origin, new.saved) == (original.id, 2, "edited", True)
    assert [(n.pitch, n.start, n.duration) for n in new.as_score().notes] == [(72, 0, 8), (71, 8, 8)]
    original.refresh_from_db()
    assert original.note_count == len(melody_score().notes)


@pytest.mark.parametrize("notes", [
    [],
    [{"pitch": 60, "start": 30, "duration": 4}],  # runs past the end of 2 bars
    [{"pitch": 128, "start": 0, "duration": 1}],
    [{"pitch": 60, "start": 0, "duration": 0}],
    [{"pitch": 60, "start": 0, "duration": 1, "voice": 2}],  # a melody has one voice
])
def test_bad_versions_are_400_and_save_nothing(api_client, user, make_sketch, notes):
    sketch = make_sketch(user)
    assert api_client.post(f"{API}sketches/{sketch.id}/versions/", {"notes": notes}, format="json").status_code == 400
    assert Sketch.objects.count() == 1


def test_generate_is_a_job_on_the_gpu_queue(api_client, user, fake_models, eager_jobs):
    r = api_client.post(API + "generate/", {"model": "vae", "bars": 2, "count": 4, "seed": 3}, format="json")
    assert r.status_code == 202, r.json()
    job = Job.objects.get(pk=r.json()["id"])
    assert (job.kind, job.queue, job.status, job.progress) == ("studio.generate", "gpu", "succeeded", 100)
    ids = job.result["sketch_ids"]
    rows = Sketch.objects.filter(pk__in=ids)
    assert len(ids) == 4 and all(not s.saved and s.owner == user and s.bars == 2 for s in rows)


@pytest.mark.parametrize("body", [{"count": 17}, {"count": 0}, {"bars": 3}, {"model": "rnn"}, {"key": "H"},
                                  {"tempo": 5}, {"temperature": 0}])
def test_generate_rejects_bad_parameters(api_client, fake_models, body):
    r = api_client.post(API + "generate/", body, format="json")
    assert r.status_code == 400 and set(body) <= set(r.json())
    assert not Job.objects.exists()


def test_vary_a_saved_sketch(api_client, user, make_sketch, fake_models, eager_jobs):
    source = make_sketch(user)
    r = api_client.post(API + "vary/", {"sketch": source.id, "amount": 0.5, "count": 3}, format="json")
    assert r.status_code == 202
    ids = Job.objects.get().result["sketch_ids"]
    assert [s.parent_id for s in Sketch.objects.filter(pk__in=ids)] == [source.id] * 3
    assert ("vary", 0.5, 3) in fake_models


def test_vary_an_uploaded_midi_file(api_client, user, fake_models, eager_jobs):
    upload = SimpleUploadedFile("my tune.mid", midi_bytes(), content_type="audio/midi")
    r = api_client.post(API + "vary/", {"file": upload, "amount": 0.2, "count": 2}, format="multipart")
    assert r.status_code == 202, r.json()
    uploaded = Sketch.objects.get(origin="uploaded")
    assert uploaded.title == "my tune" and uploaded.saved and uploaded.note_count == 3
    assert Sketch.objects.filter(parent=uploaded).count() == 2
    assert Job.objects.get().result["uploaded_sketch_id"] == uploaded.id
    assert not ScoreUpload.objects.exists()


def test_an_upload_that_cannot_be_read_fails_the_job_and_saves_nothing(api_client, user, fake_models, eager_jobs,
                                                                      settings, monkeypatch):
    settings.MOTIF_SCORE_PARSE_SECONDS = 1

    def parser_overruns(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(sandbox.subprocess, "run", parser_overruns)
    upload = SimpleUploadedFile("tune.mid", midi_bytes(), content_type="audio/midi")
    r = api_client.post(API + "vary/", {"file": upload}, format="multipart")
    assert r.status_code == 202
    job = Job.objects.get()
    assert job.status == "failed" and job.error == "This score is too large or complex to read within 1 second."
    assert not Sketch.objects.exists() and not ScoreUpload.objects.exists() and not fake_models


def _musicxml(extra_doctype=""):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd"{extra_doctype}>
<score-partwise version="4.0"><part-list><score-part id="P1"><part-name>&lol9;</part-name></score-part></part-list>
<part id="P1"><measure number="1">
<note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration></note></measure></part>
</score-partwise>""".encode()


def _zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("score.xml", b"<score-partwise>" + b" " * 40_000_000)
    return out.getvalue()


BOMB = "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10))


@pytest.mark.parametrize("name,data,status,message", [
    ("broken.mid", b"MThd\x00\x00\x00\x06\x00\x01\x00\x09garbage", 400, "damaged"),
    ("text.mid", b"hello, I am not music", 415, "not a MIDI file"),
    ("tune.musicxml", midi_bytes(), 415, "not MusicXML"),
    ("tune.mxl", b"not a zip", 415, "not compressed MusicXML"),
    ("empty.mid", midi_bytes(notes=()), 400, "no notes"),
    ("orchestra.mid", midi_bytes(tracks=40), 400, "40 tracks"),
    ("drums.mid", midi_bytes(channel=9), 400, "only drums"),
    ("bomb.musicxml", _musicxml(f" [{BOMB} ]"), 400, "entities"),
    ("bomb.mxl", _zip_bomb(), 400, "unpacks"),
    ("tune.wav", b"RIFF....WAVE", 415, "not accepted here"),
    ("nothing.mid", b"", 400, "empty"),
])
def test_bad_uploads_are_refused_with_a_reason_and_save_nothing(api_client, fake_models, eager_jobs, name, data,
                                                                 status, message):
    r = api_client.post(API + "vary/", {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert r.status_code == status
    assert message in error_text(r, "file")
    assert not Sketch.objects.exists() and not Job.objects.exists() and not ScoreUpload.objects.exists()


def test_too_large_upload_is_413(api_client, settings, fake_models):
    settings.MOTIF_MAX_SCORE_UPLOAD_MB = 1
    r = api_client.post(API + "vary/", {"file": SimpleUploadedFile("big.mid", b"MThd" + b"\0" * (1024 * 1024 + 1))},
                        format="multipart")
    assert r.status_code == 413 and "the limit is 1 MB" in error_text(r, "file")
    assert not Sketch.objects.exists()


def test_vary_needs_exactly_one_source(api_client, user, make_sketch):
    assert api_client.post(API + "vary/", {}, format="json").status_code == 400
    source = make_sketch(user)
    r = api_client.post(API + "vary/", {"sketch": source.id, "file": SimpleUploadedFile("a.mid", midi_bytes())},
                        format="multipart")
    assert r.status_code == 400


def test_interpolate_two_melodies(api_client, user, make_sketch, fake_models, eager_jobs):
    a, b = make_sketch(user, "A"), make_sketch(user, "B", score=melody_score(shift=5))
    r = api_client.post(API + "interpolate/", {"a": a.id, "b": b.id, "steps": 5}, format="json")
    assert r.status_code == 202
    rows = Sketch.objects.filter(pk__in=Job.objects.get().result["sketch_ids"])
    assert rows.count() == 5 and all(s.origin == "interpolated" for s in rows)


def test_interpolate_refuses_bad_pairs(api_client, user, make_sketch, fake_models):
    a = make_sketch(user, "A")
    chorale = make_sketch(user, "C", score=chorale_score(melody_score()))
    longer = make_sketch(user, "L", score=melody_score(bars=4))
    post = lambda a_id, b_id: api_client.post(API + "interpolate/", {"a": a_id, "b": b_id}, format="json")  # noqa: E731
    assert post(a.id, a.id).status_code == 400
    assert "voices" in str(post(a.id, chorale.id).json())
    assert "same length" in str(post(a.id, longer.id).json())
    assert not Job.objects.exists()


def test_harmonize_gives_four_voices(api_client, user, make_sketch, fake_models, eager_jobs):
    melody = make_sketch(user)
    r = api_client.post(API + "harmonize/", {"sketch": melody.id}, format="json")
    assert r.status_code == 202
    result = Sketch.objects.get(pk=Job.objects.get().result["sketch_ids"][0])
    assert result.voice_count == 4 and result.origin == "harmonized"


def test_a_failing_model_saves_nothing(api_client, user, make_sketch, monkeypatch, eager_jobs):
    from studio import services
    from studio.music.errors import ScoreError

    def broken(*args, **kwargs):
        raise ScoreError("This melody is too short to harmonise.")

    monkeypatch.setattr(services, "harmonize", broken)
    melody = make_sketch(user)
    api_client.post(API + "harmonize/", {"sketch": melody.id}, format="json")
    job = Job.objects.get()
    assert job.status == "failed" and job.error == "This melody is too short to harmonise."
    assert Sketch.objects.count() == 1


def test_export_zip(api_client, user, make_sketch):
    a, b = make_sketch(user, "One", saved=True), make_sketch(user, "Two", saved=True)
    make_sketch(user, "Draft")
    r = api_client.get(API + "sketches/export/")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(r.content)).namelist())
    assert names == sorted(f"{t}-{s.id}.{e}" for t, s in (("one", a), ("two", b)) for e in ("mid", "musicxml", "json"))
    assert api_client.get(API + "sketches/export/?ids=999").status_code == 404


def test_the_schema_documents_the_studio(api_client):
    schema = api_client.get("/api/schema/").content.decode()
    for path in ("/api/studio/generate/", "/api/studio/sketches/{id}/midi/", "/api/studio/sketches/{id}/versions/"):
        assert path in schema


def test_anonymous_is_refused(client):
    assert client.get(API + "sketches/").status_code in (401, 403)
