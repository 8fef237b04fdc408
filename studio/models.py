"""Django models of the studio (loaded by the app config; ``studio/ml/`` is the torch package).

A :class:`Sketch` row stores one :class:`studio.music.score.Score` as JSON (``score``) together with
what a musician files it under. Sketches made by a job start as drafts (``saved=False``); saving puts
them in the library. Editing never overwrites: it saves a new version whose ``parent`` is the original.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.music.score import Score


class Origin(models.TextChoices):
    GENERATED = "generated", _("Generated")
    VARIED = "varied", _("Variation")
    INTERPOLATED = "interpolated", _("Interpolation")
    HARMONIZED = "harmonized", _("Harmonisation")
    UPLOADED = "uploaded", _("Uploaded")
    EDITED = "edited", _("Edited")


class Sketch(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sketches")
    title = models.CharField(_("title"), max_length=120)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    saved = models.BooleanField(_("in library"), default=False)
    score = models.JSONField(_("score"), help_text="studio.music.score.Score.to_dict()")
    bars = models.PositiveSmallIntegerField(_("bars"))
    metre = models.CharField(_("metre"), max_length=5, default="4/4")
    tempo = models.FloatField(_("tempo"))
    key = models.CharField(_("key"), max_length=8)
    model = models.CharField(_("model"), max_length=40, blank=True)
    voice_count = models.PositiveSmallIntegerField(_("voices"), default=1)
    note_count = models.PositiveIntegerField(_("notes"), default=0)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "saved", "-created_at"]), models.Index(fields=["is_public"])]

    def __str__(self) -> str:
        return self.title

    def as_score(self) -> Score:
        return Score.from_dict(self.score)

    def set_score(self, score: Score) -> None:
        """Store ``score`` and copy its summary fields onto the row (the row is not saved)."""
        self.score = score.to_dict()
        self.bars = score.bars
        self.metre = score.metre
        self.tempo = float(score.tempo)
        self.key = score.key
        self.model = score.model or self.model or ""
        self.voice_count = max(len(score.voices), 1)
        self.note_count = len(score.notes)


class ScoreUpload(models.Model):
    """An uploaded score waiting for its job to parse it (the bytes live here only until then).

    The row and its job are committed together; the job deletes the row when it ends, and
    :func:`studio.intake.sweep_stale_uploads` removes any that a job never reached.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="score_uploads")
    title = models.CharField(_("title"), max_length=120)
    extension = models.CharField(_("read as"), max_length=12)
    data = models.BinaryField(_("file"))
    sketch = models.ForeignKey(Sketch, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               help_text="The sketch read from the file, once the job has read it.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.title
