"""Pages for music-video analysis: upload, watch the job, read the report, list, delete, export."""

from __future__ import annotations

import mimetypes
import os
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jobs.errors import TooManyActiveJobs
from jobs.models import Job
from motif.uploads import UploadRejected
from perception.video import services
from perception.downloads import json_download
from perception.video.models import VideoReport

PAGE_SIZE = 100
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
MAX_RANGE_BYTES = 8 * 1024 * 1024


class VideoUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Music video"),
        widget=forms.ClearableFileInput(attrs={"accept": "video/*,.mp4,.mov,.mkv,.webm"}),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    detector = forms.ChoiceField(label=gettext_lazy("Shot detection"), choices=services.DETECTOR_CHOICES,
                                 initial=services.DEFAULT_DETECTOR)


@login_required
@require_http_methods(["GET", "POST"])
def video_list(request):
    """Upload a video (checked before anything is queued), running analyses, saved reports."""
    form = VideoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.start_analysis(request.user, data["file"], data["title"], data["detector"])
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        except TooManyActiveJobs as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your video is being analysed; the report appears here when it is ready."))
            return redirect("perception:video_list")
    running = Job.objects.filter(owner=request.user, kind=services.JOB_KIND, status__in=Job.ACTIVE)
    page = Paginator(VideoReport.objects.filter(owner=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "perception/video/list.html", {
        "form": form, "reports": page.object_list, "page": page, "running": running,
        "max_mb": f"{services.limits()['max_mb']:g}",
    }, status=400 if form.errors else 200)


@login_required
def video_detail(request, pk):
    record = get_object_or_404(VideoReport, pk=pk, owner=request.user)
    report = record.report
    shots = report.get("shots", [])
    return render(request, "perception/video/detail.html", {
        "record": record,
        "report": report,
        "shots": shots,
        "summary": record.summary(),
        "faces_percent": round(100 * (report.get("faces_on_screen") or 0)),
        "on_beat_percent": (None if report.get("cuts_on_beat_ratio") is None
                            else round(100 * report["cuts_on_beat_ratio"])),
    })


def _owned(request, pk) -> VideoReport:
    return get_object_or_404(VideoReport, pk=pk, owner=request.user)


@login_required
def video_file(request, pk):
    """The uploaded video, with HTTP Range support so the player can seek."""
    record = _owned(request, pk)
    if not record.file:
        raise Http404
    try:
        path = record.file.path
        size = os.path.getsize(path)
    except (NotImplementedError, FileNotFoundError):
        raise Http404 from None
    content_type = mimetypes.guess_type(path)[0] or "video/mp4"
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or (not match.group(1) and not match.group(2)):
        response = FileResponse(open(path, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:  # "bytes=-N": the last N bytes
        start, end = max(0, size - int(last)), size - 1
    end = min(end, start + MAX_RANGE_BYTES - 1)  # players ask for "bytes=0-"; answer in pieces
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with open(path, "rb") as fh:
        fh.seek(start)
        body = fh.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


@login_required
def video_keyframes(request, pk):
    record = _owned(request, pk)
    if not record.keyframes:
        raise Http404
    return FileResponse(record.keyframes.open("rb"), content_type="image/jpeg")


@login_required
def video_contact_sheet(request, pk):
    record = _owned(request, pk)
    if not record.contact_sheet:
        raise Http404
    download = request.GET.get("download") == "1"
    return FileResponse(record.contact_sheet.open("rb"), content_type="image/png", as_attachment=download,
                        filename=f"video-report-{record.pk}-contact-sheet.png")


@login_required
def video_export(request, pk):
    record = _owned(request, pk)
    return json_download(record.export_json(), f"video-report-{record.pk}.json")


@login_required
@require_POST
def video_delete(request, pk):
    record = _owned(request, pk)
    title = record.title
    record.delete()
    messages.success(request, _("Deleted “%(title)s”.") % {"title": title})
    return redirect("perception:video_list")
