"""DRF serializers of the studio API: sketches, and the inputs of the four model jobs."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from motif.strict import NOT_BLANK, IdListField, StrictTypesMixin
from studio.chord_input import MAX_PROGRESSION_LENGTH, ChordInputError, read_progression
from studio.library import ORDERINGS
from studio.instruments import INSTRUMENT_CHOICES
from studio.music.score import SUPPORTED_METRES, Note, Score
from studio.models import Origin, Sketch

KEYS = [k + q for k in ("C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B") for q in ("", "m")]
MODELS = [("vae", gettext_lazy("Melody (VAE)")), ("gan", gettext_lazy("Harmony (GAN)"))]
MELODY_BARS = [2, 4, 8, 16]
CHORALE_BARS = [2, 4]
MAX_VOICES = 16
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
    programs = serializers.ListField(child=serializers.ChoiceField(choices=[p for p, _name in INSTRUMENT_CHOICES]), max_length=MAX_VOICES,
                                     required=False, write_only=True,
                                     help_text="General MIDI program per voice (from the studio's instrument list)")
    is_mine = serializers.SerializerMethodField()
    urls = serializers.SerializerMethodField()

    class Meta:
        model = Sketch
        fields = [
            "id", "title", "tags", "is_public", "saved", "bars", "metre", "tempo", "key", "model", "voice_count",
            "note_count", "origin", "parent", "version", "owner", "is_mine", "created_at", "updated_at", "urls",
            "score", "programs",
        ]
        read_only_fields = [
            "bars", "metre", "tempo", "key", "model", "voice_count", "note_count", "origin", "parent", "version",
            "created_at", "updated_at", "score",
        ]

    def get_is_mine(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request and obj.owner_id == request.user.id)

    def get_urls(self, obj) -> dict:
        base = f"/api/studio/sketches/{obj.id}/"
        return {"self": base, "midi": base + "midi/", "musicxml": base + "musicxml/", "wav": base + "wav/",
                "chords": base + "chords/", "page": f"/studio/sketches/{obj.id}/",
                "notation": f"/studio/sketches/{obj.id}/notation/"}

    def validate_title(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("A sketch needs a title."))
        return value

    def validate_programs(self, value) -> list[int]:
        if self.instance is not None and len(value) != self.instance.voice_count:
            raise serializers.ValidationError(_("Choose one instrument for each of the %(n)d voices.")
                                              % {"n": self.instance.voice_count})
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
                     voices=list(base.voices), model=base.model, meta=dict(base.meta), metre=base.metre,
                     chords=list(base.chords), programs=list(base.programs))


def _chords_field():
    return serializers.CharField(
        max_length=MAX_PROGRESSION_LENGTH, required=False, allow_blank=True, default="",
        help_text='Chord symbols, one a bar ("Am F C G") or bars split by "|" ("Am F | C G7"); repeats to fill')


def checked_chords(text: str, metre: str, bars: int, field: str = "chords") -> str:
    """``text`` when it is a usable progression over ``bars`` bars of ``metre``, else a 400 naming why."""
    try:
        read_progression(text, metre, bars)
    except ChordInputError as exc:
        raise serializers.ValidationError({field: [str(exc)]}) from None
    return text.strip()


class GenerateSerializer(StrictTypesMixin, serializers.Serializer):
    model = serializers.ChoiceField(choices=MODELS, default="vae")
    metre = serializers.ChoiceField(choices=SUPPORTED_METRES, default="4/4")
    bars = serializers.ChoiceField(choices=MELODY_BARS, default=4, help_text="Melodies 2-16 bars, chorales 2 or 4")
    chords = _chords_field()
    key = serializers.ChoiceField(choices=KEYS, default="C")
    tempo = serializers.FloatField(min_value=30, max_value=300, default=120.0)
    temperature = serializers.FloatField(min_value=0.1, max_value=2.0, default=1.0)
    count = serializers.IntegerField(min_value=1, max_value=16, default=4)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)

    def validate(self, attrs):
        if attrs["model"] == "gan" and attrs["bars"] not in CHORALE_BARS:
            raise serializers.ValidationError({"bars": [_("The harmony model writes 2 or 4 bars.")]})
        if attrs["model"] == "gan" and attrs["chords"].strip():
            raise serializers.ValidationError({"chords": [_("Chords guide the melody model; choose Melody (VAE).")]})
        attrs["chords"] = checked_chords(attrs["chords"], attrs["metre"], attrs["bars"])
        return attrs


class ChordItemSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    start = serializers.IntegerField(help_text="16th step")
    duration = serializers.IntegerField(help_text="16th steps")


class ChordSuggestionSerializer(serializers.Serializer):
    """Chords suggested for a sketch: ``chords`` is the text the generate and vary forms accept."""

    chords = serializers.CharField()
    metre = serializers.CharField()
    bars = serializers.IntegerField()
    items = ChordItemSerializer(many=True)


class VarySerializer(StrictTypesMixin, serializers.Serializer):
    """Vary a saved sketch (``sketch``) or an uploaded MIDI, MusicXML or ABC file (``file``): exactly one.
    The file is checked by :func:`studio.uploads.check_upload`. ``voice`` picks the line of a multi-voice
    sketch; ``chords`` (over the sketch's metre and bars) guide the variations."""

    sketch = serializers.IntegerField(required=False)
    file = serializers.FileField(required=False)
    amount = serializers.FloatField(min_value=0.0, max_value=1.0, default=0.3)
    count = serializers.IntegerField(min_value=1, max_value=16, default=4)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    voice = serializers.IntegerField(min_value=0, max_value=MAX_VOICES - 1, default=0,
                                     help_text="Which voice of a multi-voice sketch to vary (0: the top one)")
    chords = _chords_field()

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
