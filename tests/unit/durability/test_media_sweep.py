"""The periodic media sweep: temporary leftovers and unreferenced media go, everything in use stays."""
import os
import time

import pytest

from motif import media_sweep
from motif.files import temporary_name

HOUR = 3600


@pytest.fixture
def roots(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path, settings.MEDIA_ROOT


def put(root, name, age_seconds):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_old_temporary_files_go_and_young_ones_stay(roots, db):
    data, media = roots
    old = put(media, temporary_name("perception/videos/sheets/a.png"), 2 * HOUR)
    young = put(media, temporary_name("perception/videos/sheets/b.png"), 60)
    model_tmp = put(data, temporary_name("models/model-3.safetensors"), 2 * HOUR)
    database = put(data, "motif.sqlite3", 2 * HOUR)
    assert media_sweep.sweep() == {"temporary": 2, "unreferenced": 0}
    assert not old.exists() and not model_tmp.exists()
    assert young.exists() and database.exists()


def test_media_no_row_names_goes_and_referenced_media_stays(roots, user):
    from jobs.models import Job
    from perception.video.models import VideoReport
    from recommender.models import Item

    _data, media = roots
    report = VideoReport.objects.create(owner=user, title="t", file="perception/videos/v.mp4",
                                        contact_sheet="perception/videos/sheets/s.png")
    Job.objects.create(owner=user, kind="perception.video",
                       params={"input": {"path": "perception/videos/uploads/q.mp4"}})
    done = Job.objects.create(owner=user, kind="perception.video", params={"path": "perception/videos/uploads/d.mp4"},
                              status=Job.Status.FAILED)
    item = Item.objects.create(kind=Item.KIND_SCORE, source="music21", external_id="bach/bwv66.6", title="x")
    in_use = (report.file.name, report.contact_sheet.name, "perception/videos/uploads/q.mp4",
              f"recommender/midi/{item.pk}.mid")
    kept = [put(media, name, 2 * HOUR) for name in in_use]
    orphans = [put(media, name, 2 * HOUR) for name in (
        done.params["path"], "perception/videos/keyframes/gone.jpg", "recommender/midi/999999.mid")]
    young_orphan = put(media, "perception/videos/uploads/just-stored.mp4", 60)
    assert media_sweep.sweep() == {"temporary": 0, "unreferenced": 3}
    assert all(path.exists() for path in kept) and young_orphan.exists()
    assert not any(path.exists() for path in orphans)


def test_the_sweep_is_a_named_celery_task_on_the_beat_schedule(settings):
    from motif.tasks import sweep_media

    assert sweep_media.name == "motif.sweep_media"
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == sweep_media.name]
    assert entries and entries[0]["schedule"] <= HOUR
