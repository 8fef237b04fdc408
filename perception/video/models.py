"""Database model of the music-video analysis: an uploaded video and its report.

The table keeps the name it had when both analyses shared the ``perception`` app.
"""
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        db_table = "perception_videoreport"
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
