"""Database model of the lyric analysis: a submitted lyric and its report.

The table keeps the name it had when both analyses shared the ``perception`` app.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        db_table = "perception_lyricreport"
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
