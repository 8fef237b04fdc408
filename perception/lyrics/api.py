"""REST API for lyric reports: submit (HTTP 202 + job), list, read, delete, export, compare."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from jobs.api import Conflict, accepted_response
from jobs.serializers import JobSerializer
from motif import uploads
from motif.parsers import FormParser, JSONParser, MultiPartParser
from motif.strict import LARGEST_ID, NOT_BLANK, StrictTypesMixin, WholeNumberField, validated_query
from motif.uploads import UploadRejected
from perception.lyrics import services as lyrics_services
from perception.downloads import AbsoluteLinksMixin, json_download
from perception.lyrics.models import LyricReport


class LyricSubmitSerializer(StrictTypesMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text="The lyric (at most 100 KB). Give this or `file`.")
    file = serializers.FileField(required=False, help_text="A .txt or .lrc file (at most 100 KB).")

    def validate(self, attrs):
        text, upload = attrs.get("text"), attrs.get("file")
        if upload is not None and text:
            raise ValidationError({"text": [_("Give the lyric as text or as a file, not both.")]})
        try:
            attrs["lyric"] = lyrics_services.read_lyric(text, upload)
        except UploadRejected as exc:
            raise uploads.api_error(exc, "file" if upload is not None else "text") from None
        return attrs


class LyricTextSerializer(LyricSubmitSerializer):
    """Schema of a lyric sent as text: ``text`` is required and has a character that is not a space."""

    # The limit is in bytes of UTF-8 (413 past it), not characters, so the schema states no maxLength.
    text = serializers.CharField(trim_whitespace=False, validators=[NOT_BLANK],
                                 help_text="The lyric (at most 100 KB of UTF-8 and 5,000 lines).")
    file = None


class LyricFileSerializer(LyricSubmitSerializer):
    """Schema of a lyric sent as a file (a form may carry ``text`` instead, as the JSON body does)."""

    text = None
    file = serializers.FileField(help_text="A .txt or .lrc file (at most 100 KB).")


LYRIC_REQUEST = {"application/json": LyricTextSerializer, "multipart/form-data": LyricFileSerializer}


class LyricCompareQuerySerializer(serializers.Serializer):
    a = WholeNumberField(min_value=1, max_value=LARGEST_ID, help_text="The id of one of your lyric reports.")
    b = WholeNumberField(min_value=1, max_value=LARGEST_ID, help_text="The id of another of your lyric reports.")


class LyricReportListSerializer(AbsoluteLinksMixin, serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()
    job = serializers.UUIDField(source="job_id", read_only=True, allow_null=True)

    class Meta:
        model = LyricReport
        fields = ("id", "title", "status", "error", "language", "mood", "job", "created", "url", "page")
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return self._absolute(reverse("perception_api:lyrics-detail", args=[obj.pk]))

    def get_page(self, obj) -> str:
        return self._absolute(obj.get_absolute_url())


class LyricReportSerializer(LyricReportListSerializer):
    class Meta(LyricReportListSerializer.Meta):
        fields = LyricReportListSerializer.Meta.fields + ("text", "report")
        read_only_fields = fields


class LyricReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                         viewsets.GenericViewSet):
    """Your lyric reports. Another user's report is a 404."""

    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LyricReport.objects.none()
        return LyricReport.objects.filter(owner=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return LyricReportListSerializer
        if self.action == "create":
            return LyricSubmitSerializer
        return LyricReportSerializer

    @extend_schema(request=LYRIC_REQUEST, responses={202: JobSerializer})
    def create(self, request):
        """Queue the analysis of a lyric. Answers 202 with the job; `report_id` names the report."""
        serializer = LyricSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = lyrics_services.create_report(request.user, serializer.validated_data["lyric"],
                                               serializer.validated_data.get("title", ""))
        response = accepted_response(report.job, request)
        response.data["report_id"] = report.pk
        response.data["report_url"] = request.build_absolute_uri(
            reverse("perception_api:lyrics-detail", args=[report.pk]))
        return response

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The report as a JSON file download."""
        report = self.get_object()
        return json_download(lyrics_services.export_json(report), f"lyric-report-{report.pk}.json")

    @extend_schema(
        parameters=[LyricCompareQuerySerializer],
        responses={200: OpenApiTypes.OBJECT,
                   404: OpenApiResponse(description="No such lyric report among yours."),
                   409: OpenApiResponse(description="One of the two reports is not ready yet.")},
    )
    @action(detail=False, methods=["get"])
    def compare(self, request):
        """What changed between two of your drafts (mood, emotion mix, rhyme, syllables)."""
        query = validated_query(request, LyricCompareQuerySerializer)
        reports = []
        for key in ("a", "b"):
            report = self.get_queryset().filter(pk=query[key]).first()
            if report is None:
                raise NotFound(_("No such lyric report."))
            if report.status != LyricReport.Status.READY:
                raise Conflict(_("Report %(id)s is not ready yet.") % {"id": report.pk})
            reports.append(report)
        return Response(lyrics_services.compare(reports[0].report, reports[1].report))
