"""Database models of the perception app.

Each analysis owns a clearly separated section of this file.
"""
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


# =========================================================================== LyricReport
class LyricReport(models.Model):
    """A lyric a musician submitted and, once its job has run, the analysis report."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Analysing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lyric_reports", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("lyric"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("error"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    mood = models.CharField(_("mood"), max_length=10, blank=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("job")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = _("lyric report")
        verbose_name_plural = _("lyric reports")
        indexes = [models.Index(fields=("owner", "-created"))]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        if self.title:
            return self.title
        first = next((line.strip() for line in self.text.splitlines() if line.strip()), "")
        return first[:60] or str(_("Untitled lyric"))

    def get_absolute_url(self):
        return reverse("perception:lyrics_detail", args=[self.pk])


# =========================================================================== end LyricReport


# =========================================================================== VideoReport
def _video_upload_to(instance, filename):
    return f"perception/videos/{filename}"


class VideoReport(models.Model):
    """A music video and its analysis (saved only once the analysis succeeded)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_reports", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("video"), upload_to=_video_upload_to, max_length=300)
    report = models.JSONField(_("report"), default=dict)
    contact_sheet = models.FileField(_("contact sheet"), upload_to="perception/videos/sheets/", blank=True,
                                     max_length=300)
    keyframes = models.FileField(_("keyframe strip"), upload_to="perception/videos/keyframes/", blank=True,
                                 max_length=300)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("job")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = _("video report")
        verbose_name_plural = _("video reports")
        indexes = [models.Index(fields=("owner", "-created"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("perception:video_detail", args=[self.pk])

    @property
    def shot_count(self):
        return len(self.report.get("shots", []))

    def summary(self) -> dict:
        r = self.report
        return {
            "duration": r.get("duration"),
            "shots": self.shot_count,
            "cuts_per_minute": r.get("cuts_per_minute"),
            "average_shot_length": r.get("average_shot_length"),
            "tempo_bpm": r.get("tempo_bpm"),
            "cuts_on_beat_ratio": r.get("cuts_on_beat_ratio"),
            "faces_on_screen": r.get("faces_on_screen"),
        }

    def export_json(self) -> dict:
        return {"id": self.pk, "title": self.title, "created": self.created.isoformat(), **self.report}


@receiver(post_delete, sender=VideoReport)
def _delete_video_files(sender, instance, **kwargs):
    """Deleting a report (or its owner's account) removes the video and images from storage once the
    deletion commits; a deletion that rolls back keeps them."""
    for field in (instance.file, instance.contact_sheet, instance.keyframes):
        if field and field.name:
            transaction.on_commit(partial(field.storage.delete, field.name))


# =========================================================================== end VideoReport
