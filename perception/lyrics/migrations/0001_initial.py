"""Adopt the ``perception_lyricreport`` table, which ``perception``'s 0001/0002 created and its 0003
hands over: the model enters this app's state, the database is not touched, and the content type
(with its permissions and admin history) moves from ``perception`` to ``lyrics``."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="perception", model="lyricreport").exclude(
        model__in=content_types.objects.filter(app_label="lyrics").values("model")
    ).update(app_label="lyrics")


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
                name='LyricReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                    ('text', models.TextField(verbose_name='lyric')),
                    ('status', models.CharField(choices=[('pending', 'Analysing'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                    ('error', models.TextField(blank=True, verbose_name='error')),
                    ('report', models.JSONField(blank=True, default=dict, verbose_name='report')),
                    ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                    ('mood', models.CharField(blank=True, max_length=10, verbose_name='mood')),
                    ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                    ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job', verbose_name='job')),
                    ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lyric_reports', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ],
                options={
                    'verbose_name': 'lyric report',
                    'verbose_name_plural': 'lyric reports',
                    'db_table': 'perception_lyricreport',
                    'ordering': ('-created', '-id'),
                    'indexes': [models.Index(fields=['owner', '-created'], name='perception__owner_i_ffe27e_idx')],
                },
            ),
        ]),
        migrations.RunPython(move_content_type, reverse_code=migrations.RunPython.noop),
    ]
