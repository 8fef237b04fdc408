"""The Job row: one per long-running operation a user asked for."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobs.messages import MessageCharField, MessageField, shown


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    TERMINAL = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = MessageCharField(_("message"), max_length=255, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = MessageField(_("error"), blank=True)
    queue = models.CharField(_("queue"), max_length=16, default="cpu")
    language = models.CharField(_("language"), max_length=16, blank=True,
                                help_text=_("The requester's language: progress messages and errors are written in it."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    dispatch_token = models.CharField(
        _("dispatch token"), max_length=32, blank=True,
        help_text=_("Stamped on each hand-over to a runner; a message carrying another token is dropped."))
    dispatched_at = models.DateTimeField(
        _("dispatched"), null=True, blank=True,
        help_text=_("When the job was last handed to a runner; empty while it waits in the outbox."))
    heartbeat_at = models.DateTimeField(
        _("last heartbeat"), null=True, blank=True, help_text=_("The last sign of life from the worker running it."))
    worker = models.CharField(_("worker"), max_length=128, blank=True,
                              help_text=_("The process that claimed the job last (host:pid)."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["status", "queue"])]

    def __str__(self):
        return f"{self.kind} {self.id} ({self.status})"

    @property
    def label(self):
        from jobs.registry import label_of

        return label_of(self.kind)

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def shown_message(self):
        """The progress message in the viewer's (active) language."""
        return shown(self.message)

    @property
    def shown_error(self):
        """Why the job failed, in the viewer's (active) language."""
        return shown(self.error)

    def to_event(self):
        """The JSON shape sent over the WebSocket and returned by the API: texts in the active
        language, and under "sources" the stored message and error, from which the WebSocket
        consumer writes them again in each client's language (``jobs.messages.localise_event``)."""
        return {
            "id": str(self.id),
            "kind": self.kind,
            "label": self.label,
            "status": self.status,
            "progress": self.progress,
            "message": self.shown_message,
            "result": self.result,
            "error": self.shown_error,
            "sources": {"message": self.message, "error": self.error},
            "queue": self.queue,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "url": f"/api/jobs/{self.id}/",
        }


class ModelCall(models.Model):
    """One model inference made for a job: which model, on which device, in a batch of how many
    requests, and the model time charged to the job (its share of the batch's forward pass).
    Usage pages, quotas and the operator's latency and batch-size figures are read from these rows,
    so they hold across web and worker processes."""

    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="model_calls")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="model_calls")
    model = models.CharField(_("model"), max_length=64, db_index=True)
    device = models.CharField(_("device"), max_length=16, default="cpu")
    batch_size = models.PositiveIntegerField(_("batch size"), default=1)
    seconds = models.FloatField(_("model seconds"), help_text=_("This request's share of the forward pass."))
    wait_ms = models.FloatField(_("wait (ms)"), default=0.0,
                                help_text=_("Time the request waited to be batched before its forward pass."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self):
        return f"{self.model} x{self.batch_size} {self.seconds:.3f}s"


class ModelTimeQuota(models.Model):
    """A user's own daily model-time quota, set by staff; users without one get
    ``MOTIF_DAILY_MODEL_SECONDS``. The day is the UTC calendar day (see ``jobs.quotas``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="model_time_quota")
    daily_seconds = models.PositiveIntegerField(
        _("model seconds per day"), help_text=_("Model time this user may use per UTC day; 0 means no limit."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("model-time quota")
        verbose_name_plural = _("model-time quotas")

    def __str__(self):
        return f"{self.user} {self.daily_seconds}s/day"
