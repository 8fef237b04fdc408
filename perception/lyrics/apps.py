from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LyricsConfig(AppConfig):
    name = "perception.lyrics"
    label = "lyrics"
    verbose_name = _("Lyric analysis")
