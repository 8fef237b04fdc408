"""Pages: the feed, onboarding, an item with its similar items, and MIDI of corpus scores."""
import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import midi_cache
from .cards import card_of
from .feed import similar_items
from .models import Event, Item
from .onboarding import onboard, onboarding_slates
from .previews import PreviewUnavailable, preview_score
from .profiles import profile_of
from .tags import tag_label


@login_required
def feed(request):
    has_history = Event.objects.filter(user=request.user).exists()
    profile = profile_of(request.user)
    if not has_history and not profile.instruments and not profile.genres and "skip" not in request.GET:
        return redirect("recommender:onboarding")
    strings = {
        "kinds": {"imported": _("Artist"), "score": _("Score"), "sketch": _("Sketch")},
        "loading": _("Loading…"), "end": _("That is everything for now."), "error": _("Could not load the feed."),
        "hidden": _("Hidden. You will see less like this."), "liked": _("Liked"),
        "play": _("Play"), "stop": _("Stop"), "noPreview": _("This piece has no preview to play."),
        "position": _("Position"),
    }
    from studio.views import player_config

    return render(request, "recommender/feed.html", {"paused": profile.personalisation_paused, "strings": strings,
                                                     "player_config": player_config()})


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request):
    """Instruments and genres, then slates of pieces for them ("Show pieces for these picks" re-renders
    the form with the slates of what is ticked); "Show my feed" saves everything."""
    from accounts.models import GENRE_CHOICES, INSTRUMENT_CHOICES

    profile = profile_of(request.user)
    instruments, genres = profile.instruments or [], profile.genres or []
    if request.method == "POST":
        instruments = [i for i in request.POST.getlist("instruments") if i in dict(INSTRUMENT_CHOICES)]
        genres = [g for g in request.POST.getlist("genres") if g in dict(GENRE_CHOICES)]
    slates = onboarding_slates(instruments, genres)
    context = {"instruments": INSTRUMENT_CHOICES, "genres": GENRE_CHOICES, "slates": slates,
               "selected_instruments": instruments, "selected_genres": genres}
    if request.method == "POST" and "show_pieces" not in request.POST:
        # any catalogue item may be liked (as through the API); onboard() drops unknown ids
        items = [int(i) for i in request.POST.getlist("items") if i.isdigit() and len(i) < 12][:50]
        if not (instruments or genres or items):
            context["error"] = _("Pick at least one instrument, genre or artist.")
            return render(request, "recommender/onboarding.html", context, status=400)
        onboard(request.user, instruments, genres, items)
        return redirect("recommender:feed")
    return render(request, "recommender/onboarding.html", context)


@login_required
def item_detail(request, item_id):
    item = get_object_or_404(Item, pk=item_id)
    return render(request, "recommender/item.html", {
        "item": item, "tag_labels": [tag_label(t) for t in item.tags or []], "audio_url": card_of(item).audio_url,
        "similar": similar_items(item)})


@login_required
def item_midi(request, item_id):
    """MIDI of a corpus score, rendered from the score on first request and kept on disk."""
    item = get_object_or_404(Item, pk=item_id, kind=Item.KIND_SCORE)
    try:
        data = midi_cache.midi_bytes(item)
    except midi_cache.ScoreUnavailable:
        raise Http404(_("This score cannot be played.")) from None
    return FileResponse(io.BytesIO(data), content_type="audio/midi", filename=f"{item.pk}.mid")


@login_required
def item_preview(request, item_id):
    """The notes of a score or public sketch for the page's player (JSON), or 404 with a sentence."""
    item = get_object_or_404(Item, pk=item_id)
    try:
        return JsonResponse(preview_score(item))
    except PreviewUnavailable:
        return JsonResponse({"detail": _("This piece has no preview to play.")}, status=404)
