"""REST API: the feed, event batches, similar items."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from motif.strict import LARGEST_ID, StrictTypesMixin, validated_query

from . import events, feed
from .models import Event, Item


class FeedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    creator = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    tag_labels = serializers.ListField(child=serializers.CharField(),
                                       help_text="The tags in the reader's language, in the same order.")
    url = serializers.CharField(allow_null=True)
    audio_url = serializers.CharField(allow_null=True, help_text="MIDI download (corpus scores).")
    preview_url = serializers.CharField(allow_null=True, help_text="Notes the page's player sounds (JSON).")
    reason = serializers.CharField(required=False, help_text="Why this item is recommended, in words.")
    score = serializers.FloatField(required=False)


class FeedPageSerializer(serializers.Serializer):
    session = serializers.CharField(help_text="Pass back as ?session= to get the next page.")
    page = serializers.IntegerField()
    personalised = serializers.BooleanField()
    results = FeedItemSerializer(many=True)
    next = serializers.CharField()


class FeedQuerySerializer(serializers.Serializer):
    session = serializers.RegexField(r"^[A-Za-z0-9_-]{1,64}$", required=False,
                                     help_text="The session of the previous page; omit to start over.")


class FeedView(APIView):
    @extend_schema(
        summary="Next page of the user's recommendation feed",
        description="20 items a page, each with its reason. Pages of one `session` never repeat an item; "
                    "events posted between two pages change the next page (no retrain needed).",
        parameters=[FeedQuerySerializer],
        responses=FeedPageSerializer)
    def get(self, request):
        query = validated_query(request, FeedQuerySerializer)
        page = feed.feed_page(request.user, query.get("session"))
        page["next"] = f"{request.path}?session={page['session']}"
        return Response(page)


class EventSerializer(StrictTypesMixin, serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=LARGEST_ID)
    kind = serializers.ChoiceField(choices=[k for k, _label in Event.KIND_CHOICES])
    weight = serializers.FloatField(required=False, default=1.0, min_value=0.0, max_value=events.MAX_WEIGHT,
                                    help_text="A multiplier, e.g. plays.")
    timestamp = serializers.DateTimeField(required=False, help_text="Default: now. Not in the future.")


class EventsView(APIView):
    @extend_schema(
        summary="Record a batch of listening events",
        description="All or nothing: if any row is bad the answer is 400 with the reasons per row "
                    "(`errors: [{index, errors}]`) and nothing is stored. Bad rows: unknown item, weight outside "
                    f"0-{int(events.MAX_WEIGHT)}, future timestamp, duplicates; more than "
                    f"{events.MAX_EVENTS_PER_POST} events in one post.",
        request=inline_serializer("EventBatch", {"events": EventSerializer(
            many=True, min_length=1, max_length=events.MAX_EVENTS_PER_POST)}),
        responses={201: inline_serializer("EventBatchResult", {"stored": serializers.IntegerField()}),
                   400: inline_serializer("EventBatchErrors", {
                       "detail": serializers.CharField(),
                       "errors": serializers.ListField(child=serializers.DictField(), required=False)})})
    def post(self, request):
        rows = request.data.get("events") if isinstance(request.data, dict) else None
        if not isinstance(rows, list) or not rows:
            return Response({"detail": _("Send a non-empty list of events as “events”."), "errors": []},
                            status=status.HTTP_400_BAD_REQUEST)
        if len(rows) > events.MAX_EVENTS_PER_POST:
            return Response({"detail": _("At most %(n)s events per request; this one has %(m)s.")
                             % {"n": events.MAX_EVENTS_PER_POST, "m": len(rows)}, "errors": []},
                            status=status.HTTP_400_BAD_REQUEST)
        parsed, errors = [], []
        for index, row in enumerate(rows):
            s = EventSerializer(data=row if isinstance(row, dict) else {})
            if s.is_valid():
                parsed.append((index, s.validated_data))
            else:
                errors.append({"index": index, "errors": s.errors})
        clean, semantic = events.validate_events(request.user, [v for _i, v in parsed])
        for e in semantic:
            e["index"] = parsed[e["index"]][0]
        errors = sorted(errors + semantic, key=lambda e: e["index"])
        if errors:
            return Response({"detail": _("Nothing was stored: %(n)s of %(m)s events are invalid.")
                             % {"n": len(errors), "m": len(rows)}, "errors": errors},
                            status=status.HTTP_400_BAD_REQUEST)
        stored = events.record_events(request.user, clean)
        return Response({"stored": stored}, status=status.HTTP_201_CREATED)


class SimilarView(APIView):
    @extend_schema(summary="Items similar to one item", responses=FeedItemSerializer(many=True))
    def get(self, request, item_id):
        item = get_object_or_404(Item, pk=item_id)
        return Response(feed.similar_items(item))
