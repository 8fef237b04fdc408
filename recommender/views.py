"""Pages: the feed, onboarding, an item with its similar items, and MIDI of corpus scores."""
import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import midi_cache, services
from .cards import card_of
from .models import Event, Item


@login_required
def feed(request):
    has_history = Event.objects.filter(user=request.user).exists()
    profile = services._profile(request.user)
    if not has_history and not profile.instruments and not profile.genres and "skip" not in request.GET:
        return redirect("recommender:onboarding")
    strings = {
        "kinds": {"imported": _("Artist"), "score": _("Score"), "sketch": _("Sketch")},
        "loading": _("Loading…"), "end": _("That is everything for now."), "error": _("Could not load the feed."),
        "hidden": _("Hidden. You will see less like this."), "liked": _("Liked"),
    }
    return render(request, "recommender/feed.html", {"paused": profile.personalisation_paused, "strings": strings})


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request):
    from accounts.models import GENRE_CHOICES, INSTRUMENT_CHOICES

    choices = services.onboarding_choices()
    if request.method == "POST":
        valid_instruments = {k for k, _l in INSTRUMENT_CHOICES}
        valid_genres = {k for k, _l in GENRE_CHOICES}
        valid_items = {i.pk for i in choices}
        instruments = [i for i in request.POST.getlist("instruments") if i in valid_instruments]
        genres = [g for g in request.POST.getlist("genres") if g in valid_genres]
        items = [int(i) for i in request.POST.getlist("items") if i.isdigit() and int(i) in valid_items]
        if not (instruments or genres or items):
            return render(request, "recommender/onboarding.html", {
                "instruments": INSTRUMENT_CHOICES, "genres": GENRE_CHOICES, "choices": choices,
                "error": _("Pick at least one instrument, genre or artist.")}, status=400)
        services.onboard(request.user, instruments, genres, items)
        return redirect("recommender:feed")
    profile = services._profile(request.user)
    return render(request, "recommender/onboarding.html", {
        "instruments": INSTRUMENT_CHOICES, "genres": GENRE_CHOICES, "choices": choices,
        "selected_instruments": profile.instruments, "selected_genres": profile.genres})


@login_required
def item_detail(request, item_id):
    item = get_object_or_404(Item, pk=item_id)
    return render(request, "recommender/item.html", {
        "item": item, "audio_url": card_of(item).audio_url, "similar": services.similar_items(item)})


@login_required
def item_midi(request, item_id):
    """MIDI of a corpus score, rendered from the score on first request and kept on disk."""
    item = get_object_or_404(Item, pk=item_id, kind=Item.KIND_SCORE)
    try:
        data = midi_cache.midi_bytes(item)
    except midi_cache.ScoreUnavailable:
        raise Http404(_("This score cannot be played.")) from None
    return FileResponse(io.BytesIO(data), content_type="audio/midi", filename=f"{item.pk}.mid")
