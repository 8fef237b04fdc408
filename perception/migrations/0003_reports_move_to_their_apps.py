"""The lyric and video reports now belong to the ``lyrics`` and ``video`` apps: remove them from this
app's state only. Their tables (``perception_lyricreport``, ``perception_videoreport``) and rows stay;
each app's 0001 adopts its table."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("perception", "0002_videoreport"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LyricReport"),
                migrations.DeleteModel(name="VideoReport"),
            ],
        ),
    ]
