"""Studio pages. Each page is a server-rendered shell; its ES module talks to ``/api/studio/``."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from studio import library
from studio.render import unavailable_reason
from studio.models import Origin
from studio.instruments import INSTRUMENT_CHOICES
from studio.music.instruments import DEFAULT_PROGRAMS
from studio.music.score import SUPPORTED_METRES
from studio.serializers import KEYS, MELODY_BARS, MODELS, SketchSerializer
from studio.soundfont import soundfont_path

LIBRARY_PAGE_SIZE = 24
PICKER_SIZE = 200
ORDERING_LABELS = [("-created_at", _("Newest")), ("created_at", _("Oldest")), ("title", _("Title A-Z")),
                   ("-title", _("Title Z-A")), ("-updated_at", _("Recently changed")), ("tempo", _("Slowest")),
                   ("-tempo", _("Fastest"))]


def _sketches_json(request, sketches) -> list[dict]:
    return SketchSerializer(sketches, many=True, context={"request": request}).data


def player_config(wav_unavailable: str | None = None) -> dict:
    """What the page's ES modules need: asset URLs and the strings they show (translated here)."""
    return {
        "soundfontUrl": reverse("studio:soundfont"),
        "processorUrl": static("vendor/spessasynth_lib-4.3.14/spessasynth_processor.min.js"),
        "osmdUrl": static("vendor/opensheetmusicdisplay-2.1.3/opensheetmusicdisplay.min.js"),
        "wavUnavailable": wav_unavailable,
        "defaultPrograms": DEFAULT_PROGRAMS,
        "instruments": [[program, str(name)] for program, name in INSTRUMENT_CHOICES],
        "strings": {
            "play": _("Play"), "stop": _("Stop"), "bars": _("bars"), "notes": _("notes"), "save": _("Save"),
            "saved": _("In library"), "notation": _("Notation"), "vary": _("Vary"), "harmonize": _("Harmonise"),
            "edit": _("Edit"), "mute": _("Mute"), "solo": _("Solo"), "voices": _("Voices"),
            "pianoRoll": _("Piano roll"), "loading": _("Loading…"), "fullScore": _("Full score"),
            "suggesting": _("Suggesting chords…"), "voiceNumber": _("Voice {n}"),
            "key": _("Key"), "chord": _("Chord"),
            "notationFailed": _("The notation could not be shown."),
            "noMidi": _("No Web MIDI output found (the browser has no Web MIDI, or no device is connected)."),
            "noMidiShort": _("No MIDI outputs"),
            "needsSecureContext": _("Sound needs a secure page: open the studio over HTTPS or on localhost."),
            "notYours": _("This public sketch belongs to another musician: you can play and export it, not save it."),
            "title": _("Title"), "tags": _("Tags"), "tagsHint": _("tags, separated by commas"),
            "public": _("Public"), "delete": _("Delete"), "confirmDelete": _("Delete this sketch for good?"),
            "savedChanges": _("Saved"),
            "audioStates": {"running": _("Sound on"), "suspended": _("Sound off until you press Play"),
                            "closed": _("Sound off")},
            "voiceNames": {"melody": _("Melody"), "soprano": _("Soprano"), "alto": _("Alto"), "tenor": _("Tenor"),
                           "bass": _("Bass")},
            "origins": dict(Origin.choices),
        },
    }


def _page(request, template: str, **context):
    """Render a studio page with what every studio page needs (player settings, WAV availability)."""
    context.setdefault("sketches", [])
    context["sketches"] = _sketches_json(request, context["sketches"])
    context["wav_unavailable"] = unavailable_reason()
    context["player_config"] = player_config(context["wav_unavailable"])
    context["max_upload_mb"] = settings.MOTIF_MAX_SCORE_UPLOAD_MB
    return render(request, template, context)


def _picker(request, *, melodies_only: bool):
    """The user's sketches to pick from: the library, plus the one named by ``?sketch=`` (even a draft)."""
    chosen = request.GET.get("sketch", "")
    sketches = library.owned_by(request.user).filter(saved=True)
    if melodies_only:
        sketches = sketches.filter(voice_count=1)
    picked = list(sketches[:PICKER_SIZE])
    if chosen.isdigit() and all(s.id != int(chosen) for s in picked):
        extra = library.visible_to(request.user).filter(pk=int(chosen)).first()
        if extra is not None:
            picked.insert(0, extra)
    return picked, chosen


@login_required
def generate(request):
    drafts = library.owned_by(request.user).filter(origin="generated")[:8]
    return _page(request, "studio/generate.html", sketches=drafts, keys=KEYS, models=MODELS, metres=SUPPORTED_METRES,
                 bar_choices=MELODY_BARS)


@login_required
def library_page(request):
    params = request.GET
    ordering = params.get("ordering", "-created_at")
    if ordering not in library.ORDERINGS:
        ordering = "-created_at"
    found = library.search(library.owned_by(request.user).filter(saved=True), q=params.get("q", "").strip(),
                           tag=params.get("tag", "").strip(), ordering=ordering)
    page = Paginator(found, LIBRARY_PAGE_SIZE).get_page(params.get("page"))
    return _page(request, "studio/library.html", sketches=page.object_list, page=page, total=page.paginator.count,
                 q=params.get("q", ""), tag=params.get("tag", ""), ordering=ordering, orderings=ORDERING_LABELS)


@login_required
def vary(request):
    picked, chosen = _picker(request, melodies_only=False)
    return _page(request, "studio/vary.html", picker=picked, chosen=chosen)


@login_required
def interpolate(request):
    picked, chosen = _picker(request, melodies_only=True)
    return _page(request, "studio/interpolate.html", picker=picked, chosen=chosen)


@login_required
def harmonize(request):
    picked, chosen = _picker(request, melodies_only=True)
    return _page(request, "studio/harmonize.html", picker=picked, chosen=chosen)


@login_required
def edit(request, pk: int):
    sketch = get_object_or_404(library.visible_to(request.user), pk=pk)
    return _page(request, "studio/edit.html", sketches=[sketch], sketch=sketch)


@login_required
def score(request, pk: int):
    """The sketch's notation across the whole page."""
    sketch = get_object_or_404(library.visible_to(request.user), pk=pk)
    return _page(request, "studio/score.html", sketches=[sketch], sketch=sketch)


@require_GET
def soundfont(request):
    """The General MIDI SoundFont the browser player uses (cached by the browser for a week)."""
    path = soundfont_path()
    if not path.is_file():
        raise Http404("No SoundFont configured")
    response = FileResponse(path.open("rb"), content_type="application/octet-stream")
    response["Cache-Control"] = "public, max-age=604800"
    return response
