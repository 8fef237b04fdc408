"""REST API for music-video reports: upload (HTTP 202 + job), list, read, delete, export."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from jobs.api import accepted_response
from jobs.serializers import JobSerializer
from motif import uploads
from motif.parsers import FormParser, MultiPartParser
from motif.uploads import UploadRejected
from perception.video import services
from perception.downloads import AbsoluteLinksMixin, json_download
from perception.video.models import VideoReport


class VideoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The video (MP4, MOV, MKV, WebM; at most MOTIF_MAX_UPLOAD_MB).")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    detector = serializers.ChoiceField(choices=services.DETECTOR_CHOICES, default=services.DEFAULT_DETECTOR,
                                       help_text="How shots are found.")


class VideoReportListSerializer(AbsoluteLinksMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()

    class Meta:
        model = VideoReport
        fields = ("id", "title", "created", "summary", "url", "page")
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return self._absolute(reverse("perception_api:videos-detail", args=[obj.pk]))

    def get_page(self, obj) -> str:
        return self._absolute(obj.get_absolute_url())

    def get_summary(self, obj) -> dict:
        return obj.summary()


class VideoReportSerializer(VideoReportListSerializer):
    video = serializers.SerializerMethodField()
    contact_sheet = serializers.SerializerMethodField()
    export = serializers.SerializerMethodField()

    class Meta(VideoReportListSerializer.Meta):
        fields = VideoReportListSerializer.Meta.fields + ("video", "contact_sheet", "export", "report")
        read_only_fields = fields

    def get_video(self, obj) -> str:
        return self._absolute(reverse("perception:video_file", args=[obj.pk]))

    def get_contact_sheet(self, obj) -> str:
        return self._absolute(reverse("perception_api:videos-contact-sheet", args=[obj.pk]))

    def get_export(self, obj) -> str:
        return self._absolute(reverse("perception_api:videos-export", args=[obj.pk]))


class VideoReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                         viewsets.GenericViewSet):
    """Your music-video reports. Another user's report is a 404."""

    parser_classes = (MultiPartParser, FormParser)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VideoReport.objects.none()
        return VideoReport.objects.filter(owner=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return VideoReportListSerializer
        if self.action == "create":
            return VideoUploadSerializer
        return VideoReportSerializer

    @extend_schema(request={"multipart/form-data": VideoUploadSerializer}, responses={202: JobSerializer})
    def create(self, request):
        """Upload a video. It is checked first (a bad file is a 400, 413 or 415 and nothing is kept); then the
        analysis is queued and the answer is 202 with the job. Its result names the report."""
        serializer = VideoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            job = services.start_analysis(request.user, data["file"], data["title"], data["detector"])
        except UploadRejected as exc:
            raise uploads.api_error(exc, "file") from None
        return accepted_response(job, request)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The report as a JSON file download."""
        record = self.get_object()
        return json_download(record.export_json(), f"video-report-{record.pk}.json")

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="contact-sheet")
    def contact_sheet(self, request, pk=None):
        """The contact sheet: every shot's keyframe with times, label, faces and palette (PNG)."""
        record = self.get_object()
        if not record.contact_sheet:
            raise Http404
        return FileResponse(record.contact_sheet.open("rb"), content_type="image/png", as_attachment=True,
                            filename=f"video-report-{record.pk}-contact-sheet.png")
