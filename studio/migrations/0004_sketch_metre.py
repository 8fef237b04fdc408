from django.db import migrations, models


def copy_metre_from_scores(apps, schema_editor):
    """Existing rows take the metre their stored score names (scores saved before metres read as 4/4)."""
    Sketch = apps.get_model("studio", "Sketch")
    for sketch in Sketch.objects.only("id", "score").iterator():
        metre = (sketch.score or {}).get("metre") or "4/4"
        if metre != "4/4":
            Sketch.objects.filter(pk=sketch.pk).update(metre=metre)


class Migration(migrations.Migration):

    dependencies = [
        ("studio", "0003_score_help_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="sketch",
            name="metre",
            field=models.CharField(default="4/4", max_length=5, verbose_name="metre"),
        ),
        migrations.RunPython(copy_metre_from_scores, migrations.RunPython.noop),
    ]
