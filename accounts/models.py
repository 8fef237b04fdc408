"""A musician's profile and their API tokens."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

INSTRUMENT_CHOICES = [
    ("piano", _("Piano")), ("keyboards", _("Keyboards")), ("guitar", _("Guitar")), ("bass", _("Bass")),
    ("drums", _("Drums")), ("violin", _("Violin")), ("cello", _("Cello")), ("flute", _("Flute")),
    ("clarinet", _("Clarinet")), ("saxophone", _("Saxophone")), ("trumpet", _("Trumpet")),
    ("voice", _("Voice")), ("erhu", _("Erhu")), ("guzheng", _("Guzheng")), ("production", _("Production / DAW")),
]
GENRE_CHOICES = [
    ("classical", _("Classical")), ("folk", _("Folk")), ("jazz", _("Jazz")), ("rock", _("Rock")),
    ("pop", _("Pop")), ("electronic", _("Electronic")), ("hip-hop", _("Hip-hop")), ("metal", _("Metal")),
    ("blues", _("Blues")), ("country", _("Country")), ("soundtrack", _("Soundtrack")), ("world", _("World")),
    ("indie", _("Indie")), ("ambient", _("Ambient")), ("celtic", _("Celtic")), ("baroque", _("Baroque")),
]


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    instruments = models.JSONField(_("instruments"), default=list, blank=True)
    genres = models.JSONField(_("favourite genres"), default=list, blank=True)
    personalisation_paused = models.BooleanField(
        _("pause personalisation"),
        default=False,
        help_text=_("While paused, your feed ignores your listening history and nothing new is learnt from it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.display_name or self.user.get_username()

    @property
    def name(self):
        return self.display_name or self.user.get_username()


def hash_token(key):
    """Tokens are stored only as their SHA-256 digest."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A named token for the REST API (``Authorization: Token <key>``), revocable at any time."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name):
        """Create a token; returns ``(token, key)``. The key is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[: cls.PREFIX_LENGTH], digest=hash_token(key))
        return token, key
