"""DRF serializers of the studio API: sketches, and the inputs of the four model jobs."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from motif.strict import NOT_BLANK, IdListField, StrictTypesMixin
from studio.library import ORDERINGS
from studio.music.score import Note
from studio.music.score import Score
from studio.models import Origin, Sketch

KEYS = [k + q for k in ("C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B") for q in ("", "m")]
MODELS = [("vae", gettext_lazy("Melody (VAE)")), ("gan", gettext_lazy("Harmony (GAN)"))]
MAX_TAGS = 12
MAX_NOTES = 2048
MAX_TAG_LENGTH = 32
FLAGS = {"true": True, "false": False, "all": None}


class SketchSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """A sketch with its library fields and its ``score`` (``studio.music.score.Score.to_dict()``)."""

    owner = serializers.CharField(source="owner.username", read_only=True)
    title = serializers.CharField(max_length=120, validators=[NOT_BLANK])
    tags = serializers.ListField(child=serializers.CharField(max_length=MAX_TAG_LENGTH, allow_blank=True),
                                 max_length=MAX_TAGS, required=False)
    is_mine = serializers.SerializerMethodField()
    urls = serializers.SerializerMethodField()

    class Meta:
        model = Sketch
        fields = [
            "id", "title", "tags", "is_public", "saved", "bars", "tempo", "key", "model", "voice_count",
            "note_count", "origin", "parent", "version", "owner", "is_mine", "created_at", "updated_at", "urls",
            "score",
        ]
        read_only_fields = [
            "bars", "tempo", "key", "model", "voice_count", "note_count", "origin", "parent", "version",
            "created_at", "updated_at", "score",
        ]

    def get_is_mine(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request and obj.owner_id == request.user.id)

    def get_urls(self, obj) -> dict:
        base = f"/api/studio/sketches/{obj.id}/"
        return {"self": base, "midi": base + "midi/", "musicxml": base + "musicxml/", "wav": base + "wav/",
                "page": f"/studio/sketches/{obj.id}/"}

    def validate_title(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("A sketch needs a title."))
        return value

    def validate_tags(self, value) -> list[str]:
        tags = []
        for tag in value:
            tag = tag.strip().lower()
            if tag and tag not in tags:
                tags.append(tag)
        return tags


class SketchListQuerySerializer(serializers.Serializer):
    """The filters of the sketch list; ``true``/``false``/``all`` flags (``all``: no filter)."""

    q = serializers.CharField(required=False, allow_blank=True, help_text="Search in titles and tags")
    tag = serializers.CharField(required=False, allow_blank=True)
    model = serializers.ChoiceField(choices=[m for m, _label in MODELS], required=False)
    origin = serializers.ChoiceField(choices=Origin.choices, required=False)
    public = serializers.ChoiceField(choices=list(FLAGS), required=False)
    saved = serializers.ChoiceField(choices=list(FLAGS), required=False, help_text="true: the library only")
    scope = serializers.ChoiceField(choices=["mine", "public"], default="mine",
                                    help_text="public: everybody's public sketches")
    ids = IdListField(required=False, help_text="Comma-separated ids")
    ordering = serializers.ChoiceField(choices=ORDERINGS, default="-created_at")


class SketchExportQuerySerializer(serializers.Serializer):
    ids = IdListField(required=False, help_text="Comma-separated ids (default: the library)")
    wav = serializers.ChoiceField(choices=["true", "false"], default="false", help_text="true: add WAV renders")


class NoteSerializer(StrictTypesMixin, serializers.Serializer):
    pitch = serializers.IntegerField(min_value=0, max_value=127)
    start = serializers.IntegerField(min_value=0)
    duration = serializers.IntegerField(min_value=1)
    velocity = serializers.IntegerField(min_value=1, max_value=127, default=90)
    voice = serializers.IntegerField(min_value=0, max_value=3, default=0)


class NewVersionSerializer(StrictTypesMixin, serializers.Serializer):
    """An edited score, saved as a new version of a sketch."""

    notes = NoteSerializer(many=True, min_length=1, max_length=MAX_NOTES)
    tempo = serializers.FloatField(min_value=30, max_value=300, required=False)
    title = serializers.CharField(max_length=120, required=False, validators=[NOT_BLANK])

    def build_score(self, base: Score) -> Score:
        """The edited score: ``base`` with the new notes (and tempo); notes past the end are refused."""
        data = self.validated_data
        notes = [Note(**n) for n in data["notes"]]
        if any(n.end > base.total_steps for n in notes):
            raise serializers.ValidationError({"notes": [_("A note runs past the end of the sketch.")]})
        if any(n.voice >= len(base.voices) for n in notes):
            raise serializers.ValidationError({"notes": [_("A note belongs to a voice this sketch does not have.")]})
        return Score(notes=notes, bars=base.bars, tempo=data.get("tempo", base.tempo), key=base.key,
                     voices=list(base.voices), model=base.model, meta=dict(base.meta))


class GenerateSerializer(StrictTypesMixin, serializers.Serializer):
    model = serializers.ChoiceField(choices=MODELS, default="vae")
    bars = serializers.ChoiceField(choices=[2, 4], default=4)
    key = serializers.ChoiceField(choices=KEYS, default="C")
    tempo = serializers.FloatField(min_value=30, max_value=300, default=120.0)
    temperature = serializers.FloatField(min_value=0.1, max_value=2.0, default=1.0)
    count = serializers.IntegerField(min_value=1, max_value=16, default=4)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)


class VarySerializer(StrictTypesMixin, serializers.Serializer):
    """Vary a saved sketch (``sketch``) or an uploaded MIDI, MusicXML or ABC file (``file``): exactly one.
    The file is checked by :func:`studio.uploads.check_upload`."""

    sketch = serializers.IntegerField(required=False)
    file = serializers.FileField(required=False)
    amount = serializers.FloatField(min_value=0.0, max_value=1.0, default=0.3)
    count = serializers.IntegerField(min_value=1, max_value=16, default=4)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)

    def validate(self, attrs):
        if ("sketch" in attrs) == ("file" in attrs):
            raise serializers.ValidationError(_("Choose a saved sketch or upload a file (one of the two)."))
        return attrs


def _missing(sentence):
    """Error messages for a choice left empty, in the words of the page rather than the field's name."""
    return {"required": sentence, "null": sentence}


class InterpolateSerializer(StrictTypesMixin, serializers.Serializer):
    a = serializers.IntegerField(error_messages=_missing(gettext_lazy("Choose two melodies to blend.")))
    b = serializers.IntegerField(error_messages=_missing(gettext_lazy("Choose two melodies to blend.")))
    steps = serializers.IntegerField(min_value=3, max_value=16, default=5)


class HarmonizeSerializer(StrictTypesMixin, serializers.Serializer):
    sketch = serializers.IntegerField(error_messages=_missing(gettext_lazy("Choose a melody to harmonise.")))
    count = serializers.IntegerField(min_value=1, max_value=8, default=1)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
