"""Pages: the feed, onboarding, an item with its similar items, and MIDI of corpus scores."""
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .feed import similar_items
from .onboarding import onboard, onboarding_choices
from .profiles import profile_of
from .cards import card_of
from .models import Event, Item


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
    }
    return render(request, "recommender/feed.html", {"paused": profile.personalisation_paused, "strings": strings})


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request):
    from accounts.models import GENRE_CHOICES, INSTRUMENT_CHOICES

    choices = onboarding_choices()
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
        onboard(request.user, instruments, genres, items)
        return redirect("recommender:feed")
    profile = profile_of(request.user)
    return render(request, "recommender/onboarding.html", {
        "instruments": INSTRUMENT_CHOICES, "genres": GENRE_CHOICES, "choices": choices,
        "selected_instruments": profile.instruments, "selected_genres": profile.genres})


@login_required
def item_detail(request, item_id):
    item = get_object_or_404(Item, pk=item_id)
    return render(request, "recommender/item.html", {
        "item": item, "audio_url": card_of(item).audio_url, "similar": similar_items(item)})


@login_required
def item_midi(request, item_id):
    """MIDI of a corpus score, rendered from the score on first request and kept on disk."""
    item = get_object_or_404(Item, pk=item_id, kind=Item.KIND_SCORE)
    folder = Path(settings.MEDIA_ROOT) / "recommender" / "midi"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{item.pk}.mid"
    if not target.exists():
        from music21 import corpus

        path = item.features.get("corpus_path")
        number = item.features.get("number")
        try:
            score = corpus.parse(path, number=number) if number else corpus.parse(path)
        except Exception:
            raise Http404(_("This score cannot be played.")) from None
        tmp = target.with_suffix(".tmp")
        score.write("midi", fp=str(tmp))
        os.replace(tmp, target)
    return FileResponse(open(target, "rb"), content_type="audio/midi", filename=f"{item.pk}.mid")
