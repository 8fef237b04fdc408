"""Catalogue, listening events, their aggregates, and trained model versions."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Item(models.Model):
    """Something the feed can recommend: an imported artist, a demo score, or a published sketch."""

    KIND_IMPORTED = "imported"
    KIND_SCORE = "score"
    KIND_SKETCH = "sketch"
    KIND_CHOICES = [
        (KIND_IMPORTED, _("Imported artist")),
        (KIND_SCORE, _("Score from the corpus")),
        (KIND_SKETCH, _("Community sketch")),
    ]

    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES)
    source = models.CharField(_("source"), max_length=32, help_text=_("lastfm-hetrec, music21 or studio"))
    external_id = models.CharField(_("external id"), max_length=255)
    title = models.CharField(_("title"), max_length=255)
    creator = models.CharField(_("creator"), max_length=255, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    features = models.JSONField(_("content features"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="recommender_items", verbose_name=_("owner"))
    listeners = models.PositiveIntegerField(_("listeners"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="recommender_item_source_id")]
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["-listeners"])]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")

    def __str__(self):
        return f"{self.title} — {self.creator}" if self.creator else self.title


class Event(models.Model):
    """One listening event of a site user. Raw events are kept ``MOTIF_EVENT_RETENTION_DAYS`` days."""

    PLAY, COMPLETE, SKIP, LIKE, DISLIKE, NOT_INTERESTED = (
        "play", "complete", "skip", "like", "dislike", "not_interested")
    KIND_CHOICES = [
        (PLAY, _("Play")), (COMPLETE, _("Played to the end")), (SKIP, _("Skip")), (LIKE, _("Like")),
        (DISLIKE, _("Dislike")), (NOT_INTERESTED, _("Not interested")),
    ]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="listening_events", verbose_name=_("user"))
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events", verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES)
    weight = models.FloatField(_("weight"), default=1.0)
    timestamp = models.DateTimeField(_("time"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item", "kind", "timestamp"],
                                               name="recommender_event_unique")]
        indexes = [models.Index(fields=["user", "timestamp"]), models.Index(fields=["timestamp"])]
        verbose_name = _("listening event")
        verbose_name_plural = _("listening events")

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.item_id}"


class Aggregate(models.Model):
    """Per user and item totals of events older than the retention period (the raw events are deleted)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="listening_aggregates", verbose_name=_("user"))
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="aggregates", verbose_name=_("item"))
    plays = models.PositiveIntegerField(default=0)
    completes = models.PositiveIntegerField(default=0)
    skips = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    dislikes = models.PositiveIntegerField(default=0)
    not_interested = models.PositiveIntegerField(default=0)
    weight = models.FloatField(_("signed weight"), default=0.0)
    last_at = models.DateTimeField(_("last event"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="recommender_aggregate_unique")]
        verbose_name = _("listening aggregate")
        verbose_name_plural = _("listening aggregates")


class ImportedPlay(models.Model):
    """A play count of an imported (pseudonymous) listener, e.g. HetRec Last.fm user_artists."""

    listener = models.CharField(_("pseudonymous listener"), max_length=40, db_index=True)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="imported_plays")
    plays = models.PositiveIntegerField(_("plays"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["listener", "item"], name="recommender_imported_unique")]
        verbose_name = _("imported play count")
        verbose_name_plural = _("imported play counts")


class ModelVersion(models.Model):
    """A trained recommender. Exactly one is active; a new one is swapped in atomically."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    algorithm = models.CharField(_("algorithm"), max_length=32)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    metrics = models.JSONField(_("offline metrics"), default=dict, blank=True)
    n_users = models.PositiveIntegerField(_("users"), default=0)
    n_items = models.PositiveIntegerField(_("items"), default=0)
    n_interactions = models.PositiveIntegerField(_("interactions"), default=0)
    train_seconds = models.FloatField(_("training seconds"), default=0.0)
    path = models.CharField(_("artefact"), max_length=500)
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")

    def __str__(self):
        return f"{self.algorithm} #{self.pk}"


class UserFactor(models.Model):
    """A site user's learnt latent factors in one model version (deleted with the user)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="recommender_factors")
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="user_factors")
    vector = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="recommender_factor_unique")]
        verbose_name = _("learnt user factors")
        verbose_name_plural = _("learnt user factors")
