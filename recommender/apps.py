from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommenderConfig(AppConfig):
    name = "recommender"
    verbose_name = _("Recommendations")

    def ready(self):
        from . import signals

        signals.connect_studio()

    def media_references(self):
        """Media files the periodic sweep must keep: the MIDI cached for each score item."""
        from . import midi_cache

        return midi_cache.referenced_names()
