"""API shapes of jobs."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jobs.models import Job
from jobs.registry import api_kinds
from motif.strict import StrictTypesMixin


class JobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    label = serializers.CharField(read_only=True)
    message = serializers.CharField(source="shown_message", read_only=True)
    error = serializers.CharField(source="shown_error", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id", "kind", "label", "status", "progress", "message", "result", "error", "queue",
            "params", "attempts", "created_at", "started_at", "finished_at", "url",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        return f"/api/jobs/{job.pk}/"


class JobCreateSerializer(StrictTypesMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=[], help_text=_("A job kind that may be started directly, e.g. jobs.noop."))
    params = serializers.DictField(required=False, default=dict)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = api_kinds()
        self.fields["kind"].choices = allowed
        self.fields["kind"].error_messages["invalid_choice"] = (
            _("Unknown job kind. Choose one of: %(kinds)s.") % {"kinds": ", ".join(allowed)}
        )


class ModelUsageSerializer(serializers.Serializer):
    model = serializers.CharField(help_text=_("The model, or job:<kind> for the run time of a job without model calls."))
    calls = serializers.IntegerField()
    model_seconds = serializers.FloatField()


class DayUsageSerializer(serializers.Serializer):
    day = serializers.DateField(help_text=_("A UTC day."))
    jobs = serializers.IntegerField()
    model_seconds = serializers.FloatField()


class QuotaSerializer(serializers.Serializer):
    daily_seconds = serializers.IntegerField(help_text=_("Model seconds per UTC day; 0 means no limit."))
    used_seconds = serializers.FloatField()
    remaining_seconds = serializers.FloatField(allow_null=True)
    resets_at = serializers.DateTimeField(help_text=_("The next UTC midnight."))


class UsageSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    since = serializers.DateTimeField()
    jobs = serializers.IntegerField(help_text=_("Jobs submitted in these days."))
    model_seconds = serializers.FloatField(help_text=_("Model time used in these days."))
    by_model = ModelUsageSerializer(many=True)
    by_day = DayUsageSerializer(many=True, help_text=_("Days with usage, newest first."))
    quota = QuotaSerializer()
