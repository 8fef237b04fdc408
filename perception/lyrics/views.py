"""Pages for lyric analysis: paste or upload, watch the job, read, list, delete, compare, export."""
from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jobs.errors import TooManyActiveJobs
from motif.uploads import UploadRejected
from perception.lyrics import services as lyrics_services
from perception.downloads import json_download
from perception.lyrics.analysis.structure import SECTION_WORDS
from perception.lyrics.models import LyricReport

PAGE_SIZE = 100
RHYME_COLOURS = 8
EMOTION_COLOURS = {"sadness": "#4a78c2", "joy": "#e0a526", "love": "#d9487d", "anger": "#d2452f",
                   "fear": "#7b5bb5", "surprise": "#2fa58a"}
EMOTION_NAMES = {
    "sadness": gettext_lazy("sadness"), "joy": gettext_lazy("joy"), "love": gettext_lazy("love"),
    "anger": gettext_lazy("anger"), "fear": gettext_lazy("fear"), "surprise": gettext_lazy("surprise"),
}
QUADRANT_NAMES = {"happy": gettext_lazy("happy"), "angry": gettext_lazy("angry"), "sad": gettext_lazy("sad"),
                  "relaxed": gettext_lazy("relaxed"), "unknown": gettext_lazy("unknown")}
THEME_NAMES = {
    "love": gettext_lazy("love"), "heartbreak": gettext_lazy("heartbreak"), "night & city": gettext_lazy("night & city"),
    "nature": gettext_lazy("nature"), "time & memory": gettext_lazy("time & memory"),
    "freedom & travel": gettext_lazy("freedom & travel"), "hope": gettext_lazy("hope"),
    "anger & conflict": gettext_lazy("anger & conflict"), "fear": gettext_lazy("fear"),
    "home & family": gettext_lazy("home & family"), "party & dance": gettext_lazy("party & dance"),
    "faith": gettext_lazy("faith"),
}
SECTION_KIND_NAMES = {
    "intro": gettext_lazy("Intro"), "verse": gettext_lazy("Verse"), "pre-chorus": gettext_lazy("Pre-chorus"),
    "chorus": gettext_lazy("Chorus"), "post-chorus": gettext_lazy("Post-chorus"), "bridge": gettext_lazy("Bridge"),
    "interlude": gettext_lazy("Interlude"), "outro": gettext_lazy("Outro"), "stanza": gettext_lazy("Stanza"),
}
# "Stanza 2" from the analyser, or a marker that is only a section word and a number ("Verse", "Chorus 2").
PLAIN_SECTION_NAME = re.compile(r"^(?P<word>[A-Za-z][A-Za-z -]*?)\s*(?P<number>\d+)?$")


class LyricForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    text = forms.CharField(
        label=gettext_lazy("Lyric"), required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": gettext_lazy(
            "[Verse]\nPaste your lyric here…\n\n[Chorus]\n…")}),
    )
    file = forms.FileField(label=gettext_lazy("…or upload a .txt or .lrc file (at most 100 KB)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".txt,.lrc,text/plain"}))

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        try:
            data["lyric"] = lyrics_services.read_lyric(text, upload)
        except UploadRejected as exc:
            self.add_error("file" if upload else "text", str(exc))
        if upload and not data.get("title"):
            data["title"] = upload.name.rsplit(".", 1)[0][:200]
        return data


@login_required
@require_http_methods(["GET", "POST"])
def lyrics_list(request):
    """The form to analyse a new lyric, and the saved reports."""
    form = LyricForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = lyrics_services.create_report(request.user, form.cleaned_data["lyric"],
                                                   form.cleaned_data.get("title", ""))
        except TooManyActiveJobs as exc:
            messages.error(request, str(exc))
        else:
            return redirect(report)
    page = Paginator(LyricReport.objects.filter(owner=request.user).only(
        "id", "title", "text", "status", "language", "mood", "created"), PAGE_SIZE).get_page(request.GET.get("page"))
    reports = list(page.object_list)
    for report in reports:
        report.mood_name = QUADRANT_NAMES.get(report.mood, report.mood)
    return render(request, "perception/lyrics/list.html", {
        "form": form, "reports": reports, "page": page,
        "ready": [r for r in reports if r.status == LyricReport.Status.READY],
    }, status=400 if form.errors else 200)


@login_required
def lyrics_detail(request, pk):
    report = get_object_or_404(LyricReport, pk=pk, owner=request.user)
    context = {"report": report}
    if report.status == LyricReport.Status.READY:
        context["view"] = present(report.report)
        context["others"] = LyricReport.objects.filter(
            owner=request.user, status=LyricReport.Status.READY).exclude(pk=pk).only("id", "title", "text")[:50]
    return render(request, "perception/lyrics/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lyrics_delete(request, pk):
    report = get_object_or_404(LyricReport, pk=pk, owner=request.user)
    if request.method == "POST":
        report.delete()
        messages.success(request, _("The lyric report was deleted."))
        return redirect("perception:lyrics_list")
    return render(request, "perception/lyrics/delete.html", {"report": report})


@login_required
def lyrics_export(request, pk):
    report = get_object_or_404(LyricReport, pk=pk, owner=request.user)
    return json_download(lyrics_services.export_json(report), f"lyric-report-{report.pk}.json")


@login_required
def lyrics_compare(request):
    """Two drafts side by side: mood, emotion mix, rhyme scheme and syllables per line."""
    ready = LyricReport.objects.filter(owner=request.user, status=LyricReport.Status.READY)
    choices = list(ready.only("id", "title", "text", "created")[:PAGE_SIZE])
    context = {"choices": choices}
    try:
        a_id, b_id = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        return render(request, "perception/lyrics/compare.html", context)
    a = get_object_or_404(ready, pk=a_id)
    b = get_object_or_404(ready, pk=b_id)
    diff = lyrics_services.compare(a.report, b.report)
    for row in diff["lines"]:
        for side in ("a", "b"):
            if row[side]:
                row[side] = {**row[side], "colour": _rhyme_colour(row[side]["rhyme"]["letter"])}
    context.update({
        "a": a, "b": b, "diff": diff, "view_a": present(a.report), "view_b": present(b.report),
        "emotion_rows": [{**e, "name": EMOTION_NAMES.get(e["label"], e["label"]),
                          "a_pct": round(e["a"] * 100), "b_pct": round(e["b"] * 100),
                          "delta_pct": round(e["delta"] * 100)} for e in diff["emotion"]],
    })
    return render(request, "perception/lyrics/compare.html", context)


# --------------------------------------------------------------------------- presentation
def section_name(section: dict) -> str:
    """A section's name in the viewer's language: "Stanza 2", "Chorus" or "Verse 2" (the analyser's
    names and plain English markers) are translated; a name the writer made their own in a marker
    ("Verse 2: Ana", "副歌") stays as written."""
    name = section.get("name") or ""
    plain = PLAIN_SECTION_NAME.match(name)
    kind = "stanza" if plain and plain["word"].lower() == "stanza" else SECTION_WORDS.get(plain["word"].lower()) if plain else None
    if not name or kind:
        label = SECTION_KIND_NAMES.get(kind or section.get("kind"), section.get("kind", ""))
        number = plain["number"] if plain else None
        return _("%(section)s %(number)s") % {"section": label, "number": number} if number else label
    return name


def _rhyme_colour(letter: str) -> int:
    if not letter or letter == "-":
        return -1
    value = 0
    for ch in letter:
        value = value * 26 + (ord(ch) - 64)
    return (value - 1) % RHYME_COLOURS


def present(report: dict) -> dict:
    """Numbers the template draws: the sentiment arc, emotion bars, the mood dot, grouped lines."""
    lines = report.get("lines", [])
    width, height, pad = 640, 160, 12
    arc = [line["sentiment"] for line in lines]
    n = len(arc)
    points = []
    for i, value in enumerate(arc):
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = height / 2 - (height / 2 - pad) * value
        points.append({"x": round(x, 1), "y": round(y, 1), "value": value, "text": lines[i]["text"][:80],
                       "n": i + 1})
    # Section boundaries on the arc.
    section_marks = []
    for section in report.get("sections", []):
        if section["lines"] and n > 1:
            first = section["lines"][0]
            section_marks.append({"x": round(pad + (width - 2 * pad) * first / (n - 1), 1),
                                  "name": section_name(section)})
    scores = report.get("emotion", {}).get("scores", {})
    emotions = [
        {"label": k, "name": EMOTION_NAMES.get(k, k), "pct": round(v * 100, 1), "colour": EMOTION_COLOURS.get(k)}
        for k, v in sorted(scores.items(), key=lambda kv: -kv[1])
    ]
    mood = report.get("mood", {})
    size = 200
    mood_view = {
        **mood,
        "name": QUADRANT_NAMES.get(mood.get("quadrant", "unknown"), mood.get("quadrant")),
        "x": round(size / 2 + mood.get("valence", 0) * (size / 2 - 10), 1),
        "y": round(size / 2 - mood.get("arousal", 0) * (size / 2 - 10), 1),
        "pct": round(mood.get("confidence", 0) * 100),
        "lines": [{"x": round(size / 2 + line.get("valence", 0) * (size / 2 - 10), 1),
                   "y": round(size / 2 - line.get("arousal", 0) * (size / 2 - 10), 1)} for line in lines],
    }
    sections = []
    for section in report.get("sections", []):
        members = []
        for i in section["lines"]:
            line = lines[i]
            explain = line.get("explain", {})
            why_sentiment = explain.get("sentiment", [])[:3]
            seen = {w.lower() for w, _ in why_sentiment}
            members.append({
                "why_sentiment": why_sentiment,
                "why_emotion": [w for w in explain.get("emotion", []) if w[0].lower() not in seen],
                **line,
                "colour": _rhyme_colour(line["rhyme"]["letter"]),
                "emotion_name": EMOTION_NAMES.get(line["emotion"]["label"], line["emotion"]["label"]),
                "emotion_colour": EMOTION_COLOURS.get(line["emotion"]["label"]),
                "sentiment_class": "pos" if line["sentiment"] > 0.05 else "neg" if line["sentiment"] < -0.05 else "neu",
            })
        sections.append({**section, "name": section_name(section), "members": members})
    return {
        "arc": {"points": points, "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
                "width": width, "height": height, "mid": height / 2, "marks": section_marks},
        "emotions": emotions,
        "mood": mood_view,
        "mood_size": size,
        "sections": sections,
        "report": report,
        "themes": [{**t, "name": THEME_NAMES.get(t["theme"], t["theme"])} for t in report.get("themes", [])],
    }
