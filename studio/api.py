"""REST API of the studio: the sketch library, its files, and the four model jobs (HTTP 202 + job)."""
from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.api import accepted_response
from jobs.serializers import JobSerializer
from jobs.services import submit_job
from motif import uploads as upload_policy
from motif.parsers import FormParser, JSONParser, MultiPartParser
from motif.strict import validated_query
from motif.uploads import UploadRejected
from studio import files, intake, library, render, uploads
from studio.chord_input import ChordsUnavailable, suggested_chords, varied_bars
from studio.music.errors import ScoreError
from studio.models import Sketch
from studio.serializers import (FLAGS, ChordSuggestionSerializer, GenerateSerializer, HarmonizeSerializer,
                                InterpolateSerializer, NewVersionSerializer, SketchExportQuerySerializer,
                                SketchListQuerySerializer, SketchSerializer, VarySerializer, checked_chords)

MAX_ZIP_SKETCHES = 100


class RenderUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "render_unavailable"


class ModelMissing(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "model_unavailable"


RENDER_UNAVAILABLE = OpenApiResponse(description="Audio rendering is not installed here; the message says how.")
SKETCH_NOT_FOUND = OpenApiResponse(description="No such sketch among those you can see.")


class SketchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                    mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your sketches (and, read-only, everybody's public ones). Another user's private sketch is a 404."""

    serializer_class = SketchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Sketch.objects.none()
        user = self.request.user
        if self.request.method in ("GET", "HEAD", "OPTIONS") and self.action != "list":
            return library.visible_to(user)
        if self.action == "list" and self.request.query_params.get("scope") == "public":
            return library.visible_to(user).filter(is_public=True)
        return library.owned_by(user)

    @extend_schema(parameters=[SketchListQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        query = validated_query(self.request, SketchListQuerySerializer)
        queryset = library.search(queryset, q=query.get("q", "").strip(), tag=query.get("tag", "").strip(),
                                  model=query.get("model", ""), origin=query.get("origin", ""),
                                  public=FLAGS[query.get("public", "all")], ordering=query["ordering"])
        saved = FLAGS[query.get("saved", "all")]
        if saved is not None:
            queryset = queryset.filter(saved=saved)
        if "ids" in query:
            queryset = queryset.filter(pk__in=query["ids"])
        return queryset

    def perform_update(self, serializer):
        library.update_sketch(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        library.delete_sketch(instance)

    def _file(self, kind: str) -> HttpResponse:
        sketch = self.get_object()
        try:
            data = files.file_bytes(sketch, kind)
        except render.RenderUnavailable as exc:
            raise RenderUnavailable(str(exc)) from None
        response = HttpResponse(data, content_type=files.CONTENT_TYPES[kind][0])
        response["Content-Disposition"] = f'attachment; filename="{files.filename(sketch, kind)}"'
        return response

    @extend_schema(responses={(200, "audio/midi"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def midi(self, request, pk=None):
        """The sketch as a Standard MIDI File."""
        return self._file("midi")

    @extend_schema(responses={(200, "application/vnd.recordare.musicxml+xml"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def musicxml(self, request, pk=None):
        """The sketch as uncompressed MusicXML."""
        return self._file("musicxml")

    @extend_schema(responses={(200, "audio/wav"): OpenApiTypes.BINARY, 503: RENDER_UNAVAILABLE})
    @action(detail=True, methods=["get"])
    def wav(self, request, pk=None):
        """The sketch rendered with FluidSynth (503 with instructions where FluidSynth is missing)."""
        return self._file("wav")

    @extend_schema(responses={200: ChordSuggestionSerializer,
                              400: OpenApiResponse(description="The sketch has no melody to suggest chords for."),
                              503: OpenApiResponse(description="The melody model is not installed here.")})
    @action(detail=True, methods=["get"])
    def chords(self, request, pk=None):
        """Chords suggested for the sketch's melody (one or two a bar), as text the vary form accepts."""
        sketch = self.get_object()
        try:
            suggestion = suggested_chords(sketch.as_score())
        except ChordsUnavailable as exc:
            raise ModelMissing(str(exc)) from None
        except ValueError as exc:
            raise ValidationError({"sketch": [str(exc)]}) from None
        return Response(ChordSuggestionSerializer(suggestion).data)

    @extend_schema(request=NewVersionSerializer, responses={201: SketchSerializer})
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        """Save edited notes as a new version; the original stays as it was."""
        sketch = self.get_object()
        serializer = NewVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = library.save_new_version(sketch, serializer.build_score(sketch.as_score()),
                                       title=serializer.validated_data.get("title"))
        return Response(SketchSerializer(row, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[SketchExportQuerySerializer],
                   responses={(200, "application/zip"): OpenApiTypes.BINARY,
                              404: OpenApiResponse(description="None of the sketches is yours (or none is saved)."),
                              503: RENDER_UNAVAILABLE})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """Several sketches as one zip of MIDI, MusicXML, JSON (and WAV with ``wav=true``)."""
        query = validated_query(request, SketchExportQuerySerializer)
        sketches = library.owned_by(request.user)
        sketches = sketches.filter(pk__in=query["ids"]) if "ids" in query else sketches.filter(saved=True)
        sketches = list(sketches[:MAX_ZIP_SKETCHES + 1])
        if not sketches:
            raise NotFound(_("No sketches to export."))
        if len(sketches) > MAX_ZIP_SKETCHES:
            raise ValidationError({"ids": [_("At most %(n)d sketches per zip.") % {"n": MAX_ZIP_SKETCHES}]})
        try:
            data = files.zip_bytes(sketches, with_wav=query["wav"] == "true")
        except render.RenderUnavailable as exc:
            raise RenderUnavailable(str(exc)) from None
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="motif-sketches.zip"'
        return response


def _readable(user, sketch_id: int, field: str) -> Sketch:
    """The sketch ``sketch_id`` names in the body's ``field``; a 404 when ``user`` cannot see it."""
    sketch = library.visible_to(user).filter(pk=sketch_id).first()
    if sketch is None:
        raise NotFound(_("No such sketch (“%(field)s”).") % {"field": field})
    return sketch


def _melody(user, sketch_id: int, field: str) -> Sketch:
    sketch = _readable(user, sketch_id, field)
    if sketch.voice_count != 1:
        raise ValidationError({field: [_("“%(title)s” has %(n)d voices; pick a melody (one voice).")
                                       % {"title": sketch.title, "n": sketch.voice_count}]})
    return sketch


class GenerateView(APIView):
    @extend_schema(request=GenerateSerializer, responses={202: JobSerializer})
    def post(self, request):
        """Sample new sketches from the melody VAE (any metre, 2-16 bars, optionally over chords) or the
        harmony GAN."""
        serializer = GenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return accepted_response(submit_job(request.user, "studio.generate", serializer.validated_data), request)


class VaryView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": VarySerializer, "application/json": VarySerializer},
                   responses={202: OpenApiResponse(JobSerializer, description=(
                       "The job, at once. An uploaded file is read in the job (under a time and memory limit) "
                       "and kept in your library if it can be read; its id is the result's uploaded_sketch_id.")),
                              404: SKETCH_NOT_FOUND})
    def post(self, request):
        """Variations of a saved sketch, or of an uploaded MIDI, MusicXML (.musicxml, .xml, .mxl) or ABC file."""
        serializer = VarySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file", None)
        if upload is None:
            sketch = _readable(request.user, data["sketch"], "sketch")
            if data["voice"] >= sketch.voice_count:
                raise ValidationError({"voice": [_("“%(title)s” has no voice %(voice)d; choose one of its voices.")
                                                 % {"title": sketch.title, "voice": data["voice"] + 1}]})
            data["chords"] = checked_chords(data["chords"], sketch.metre, varied_bars(sketch.bars))
            return accepted_response(submit_job(request.user, "studio.vary", data), request)
        try:
            checked = uploads.check_upload(upload)
        except UploadRejected as exc:
            raise upload_policy.api_error(exc, "file") from None
        except ScoreError as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        return accepted_response(intake.submit_upload(request.user, checked, "studio.vary", data), request)


class InterpolateView(APIView):
    @extend_schema(request=InterpolateSerializer, responses={202: JobSerializer, 404: SKETCH_NOT_FOUND})
    def post(self, request):
        """``steps`` melodies from ``a`` to ``b`` through the VAE's latent space (ends included)."""
        serializer = InterpolateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        a = _melody(request.user, serializer.validated_data["a"], "a")
        b = _melody(request.user, serializer.validated_data["b"], "b")
        if a.pk == b.pk:
            raise ValidationError({"b": [_("Pick two different melodies.")]})
        if a.metre != b.metre:
            raise ValidationError({"b": [_("Pick two melodies in the same metre (%(a)s and %(b)s).")
                                         % {"a": a.metre, "b": b.metre}]})
        if a.bars != b.bars:
            raise ValidationError({"b": [_("Pick two melodies of the same length (%(a)d and %(b)d bars).")
                                         % {"a": a.bars, "b": b.bars}]})
        return accepted_response(submit_job(request.user, "studio.interpolate", serializer.validated_data), request)


class HarmonizeView(APIView):
    @extend_schema(request=HarmonizeSerializer, responses={202: JobSerializer, 404: SKETCH_NOT_FOUND})
    def post(self, request):
        """Alto, tenor and bass under a melody, from the GAN (the melody stays the soprano)."""
        serializer = HarmonizeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _melody(request.user, serializer.validated_data["sketch"], "sketch")
        return accepted_response(submit_job(request.user, "studio.harmonize", serializer.validated_data), request)
