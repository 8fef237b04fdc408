from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The composition studio."""

    name = "studio"
    verbose_name = "Studio"
