"""The General MIDI instruments a musician can give a voice (program number, name in their language);
the defaults per voice are :data:`studio.music.instruments.DEFAULT_PROGRAMS`."""
from django.utils.translation import gettext_lazy as _

INSTRUMENT_CHOICES = [
    (0, _("Acoustic grand piano")),
    (6, _("Harpsichord")),
    (19, _("Church organ")),
    (24, _("Acoustic guitar (nylon)")),
    (40, _("Violin")),
    (41, _("Viola")),
    (42, _("Cello")),
    (43, _("Contrabass")),
    (48, _("String ensemble")),
    (52, _("Choir aahs")),
    (56, _("Trumpet")),
    (57, _("Trombone")),
    (60, _("French horn")),
    (65, _("Alto sax")),
    (68, _("Oboe")),
    (70, _("Bassoon")),
    (71, _("Clarinet")),
    (73, _("Flute")),
    (75, _("Recorder")),
]
