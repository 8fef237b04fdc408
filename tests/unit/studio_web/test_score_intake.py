"""Uploaded scores between the request and the library: the limited child parse, retries, the sweep."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.unit.studio_web.studio_factories import midi_bytes

from studio import intake
from studio.music.errors import ScoreError
from studio.music.sandbox import ParseOutOfMemory, read_score_limited
from studio.models import ScoreUpload

pytestmark = pytest.mark.django_db


def test_the_child_reads_a_midi_file():
    sketch = read_score_limited(midi_bytes(), ".mid", seconds=60, megabytes=1024)
    assert [n.pitch for n in sketch.notes] == [60, 64, 67]


def test_the_childs_score_error_comes_back_as_a_sentence():
    with pytest.raises(ScoreError, match="playable range"):
        read_score_limited(midi_bytes(notes=((5, 480),)), ".mid", seconds=60, megabytes=1024)


def test_a_child_over_its_memory_limit_is_reported():
    with pytest.raises(ParseOutOfMemory):
        read_score_limited(midi_bytes(notes=((60, 120), (64, 120)) * 1500), ".mid", seconds=60, megabytes=40)


def test_a_retried_job_reuses_the_sketch_it_already_read(user, make_sketch):
    sketch = make_sketch(user, origin="uploaded")
    upload = ScoreUpload.objects.create(owner=user, title="t", extension=".mid", data=b"", sketch=sketch)

    class Job:
        owner = user

    assert intake.read_upload(Job, upload.id, lambda *a: None) == sketch


def test_someone_elses_upload_is_not_read(user, other_user):
    upload = ScoreUpload.objects.create(owner=other_user, title="t", extension=".mid", data=midi_bytes())

    class Job:
        owner = user

    with pytest.raises(Exception, match="no longer here"):
        intake.read_upload(Job, upload.id, lambda *a: None)


def test_the_sweep_deletes_only_stale_uploads(user):
    old = ScoreUpload.objects.create(owner=user, title="old", extension=".mid", data=b"x")
    ScoreUpload.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=2))
    fresh = ScoreUpload.objects.create(owner=user, title="fresh", extension=".mid", data=b"x")
    assert intake.sweep_stale_uploads() == 1
    assert list(ScoreUpload.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_an_upload_over_the_job_limit_stores_nothing(api_client, settings):
    settings.MOTIF_MAX_ACTIVE_JOBS_PER_USER = 0
    r = api_client.post("/api/studio/vary/", {"file": SimpleUploadedFile("a.mid", midi_bytes())}, format="multipart")
    assert r.status_code == 429 and not ScoreUpload.objects.exists()
