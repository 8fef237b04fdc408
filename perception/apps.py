from django.apps import AppConfig


class PerceptionConfig(AppConfig):
    """The parent of the lyric and video apps: the /analyze/ landing page, shared helpers, the
    translations, and the migrations that created the report tables before the two apps existed."""

    name = "perception"
    verbose_name = "Analysis"
