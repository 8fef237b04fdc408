"""Reports saved while both analyses lived in the ``perception`` app survive the move to the
``lyrics`` and ``video`` apps: same tables, same rows, content types moved."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from perception.lyrics.models import LyricReport
from perception.video.models import VideoReport

OLD_LAYOUT = [("perception", "0002_videoreport"), ("lyrics", None), ("video", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_reports_saved_in_the_old_layout_are_read_by_the_new_apps(django_user_model):
    _migrate(OLD_LAYOUT)
    old = MigrationExecutor(connection).loader.project_state([OLD_LAYOUT[0]]).apps
    owner = django_user_model.objects.create_user("old-layout", password="x")
    ContentType.objects.filter(app_label="video").delete()
    ContentType.objects.create(app_label="perception", model="videoreport")
    old.get_model("perception", "LyricReport").objects.create(owner_id=owner.pk, text="rain on the roof", status="ready",
                                                              report={"mood": "calm"})
    old.get_model("perception", "VideoReport").objects.create(owner_id=owner.pk, title="Night drive",
                                                              file="perception/videos/night.mp4", report={"shots": [{}]})

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(latest)

    lyric = LyricReport.objects.get()
    assert (lyric.text, lyric.report, lyric.owner) == ("rain on the roof", {"mood": "calm"}, owner)
    video = VideoReport.objects.get()
    assert (video.title, video.file.name, video.shot_count) == ("Night drive", "perception/videos/night.mp4", 1)
    assert LyricReport._meta.db_table == "perception_lyricreport" and VideoReport._meta.db_table == "perception_videoreport"
    ContentType.objects.clear_cache()
    assert ContentType.objects.filter(app_label="perception").count() == 0
    assert ContentType.objects.get_for_model(VideoReport).app_label == "video"
