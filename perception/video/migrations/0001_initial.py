"""Adopt the ``perception_videoreport`` table, which ``perception``'s 0001/0002 created and its 0003
hands over: the model enters this app's state, the database is not touched, and the content type
(with its permissions and admin history) moves from ``perception`` to ``video``."""
import django.db.models.deletion
import perception.video.models
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="perception", model="videoreport").exclude(
        model__in=content_types.objects.filter(app_label="video").values("model")
    ).update(app_label="video")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('jobs', '0001_initial'),
        ('perception', '0003_reports_move_to_their_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='VideoReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=200, verbose_name='title')),
                    ('file', models.FileField(max_length=300, upload_to=perception.video.models._video_upload_to, verbose_name='video')),
                    ('report', models.JSONField(default=dict, verbose_name='report')),
                    ('contact_sheet', models.FileField(blank=True, max_length=300, upload_to='perception/videos/sheets/', verbose_name='contact sheet')),
                    ('keyframes', models.FileField(blank=True, max_length=300, upload_to='perception/videos/keyframes/', verbose_name='keyframe strip')),
                    ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                    ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job', verbose_name='job')),
                    ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='video_reports', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ],
                options={
                    'verbose_name': 'video report',
                    'verbose_name_plural': 'video reports',
                    'db_table': 'perception_videoreport',
                    'ordering': ('-created', '-id'),
                    'indexes': [models.Index(fields=['owner', '-created'], name='perception__owner_i_9f2a66_idx')],
                },
            ),
        ]),
        migrations.RunPython(move_content_type, reverse_code=migrations.RunPython.noop),
    ]
