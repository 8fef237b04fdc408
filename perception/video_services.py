"""What the video views, API, job handler, command and exports call. Thin glue over
``perception.video`` (plain Python) and the ``VideoReport`` model."""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.errors import UserError
from jobs.services import submit_job
from motif.files import saved_on_commit
from perception.video import AnalysisOptions, VideoError, VideoRejected, analyze_video, probe_video

logger = logging.getLogger(__name__)
JOB_KIND = "perception.video"
UPLOAD_DIR = "perception/videos"
ALLOWED_EXTENSIONS = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi")
DETECTOR_CHOICES = (
    ("adaptive", gettext_lazy("Adaptive (default): hard cuts, robust to camera motion")),
    ("content", gettext_lazy("Content: hard cuts")),
    ("adaptive+threshold", gettext_lazy("Adaptive + fades to black")),
    ("threshold", gettext_lazy("Fades to black only")),
)

# The probe's messages in the reader's language, by code.
REJECT_MESSAGES = {
    "empty": gettext_lazy("The file is empty."),
    "too_big": gettext_lazy("The file is %(size)s; the limit is %(limit)s MB."),
    "not_video": gettext_lazy("This file is not a video we can read. Upload an MP4, MOV, MKV or WebM file."),
    "no_video": gettext_lazy("This file has no video track (is it an audio file?)."),
    "damaged": gettext_lazy("The file looks damaged: it has no picture size, duration or frame rate."),
    "too_large_frames": gettext_lazy(
        "The frames are %(size)s; the largest size we analyse is 4K (4096x2160). "
        "Export a smaller version and upload that."
    ),
    "too_long": gettext_lazy("The video lasts %(duration)s; the limit is %(limit)s."),
    "no_frames": gettext_lazy("The video has no frames we can decode (zero-length or damaged)."),
    "truncated": gettext_lazy("The file ends early: it looks truncated. Upload the complete file."),
    "extension": gettext_lazy("Upload a video file (.mp4, .mov, .mkv, .webm or .avi)."),
}


def reject_message(exc: VideoRejected) -> str:
    template = REJECT_MESSAGES.get(getattr(exc, "code", ""))
    try:
        return str(template) % exc.params if template else str(exc)
    except (KeyError, TypeError):
        return str(exc)


def limits() -> dict:
    return {
        "max_mb": float(getattr(settings, "MOTIF_MAX_UPLOAD_MB", 200)),
        "max_seconds": float(getattr(settings, "MOTIF_MAX_VIDEO_SECONDS", 20 * 60)),
    }


def probe_file(path: str | os.PathLike):
    """Probe with the site's limits; raises VideoRejected."""
    return probe_video(path, **limits())


def _check_name(name: str) -> str:
    ext = Path(name or "").suffix.lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise VideoRejected("Upload a video file.", "extension")
    return ext


def start_analysis(user, upload, title: str = "", detector: str = "adaptive"):
    """Check the upload fully, store it, and queue the analysis job; returns the Job.

    Raises VideoRejected (nothing is stored) or TooManyActiveJobs (the stored file is removed).
    """
    ext = _check_name(upload.name)
    size = getattr(upload, "size", None)
    if size is not None and size > limits()["max_mb"] * 1024 * 1024:
        _reject_size(size)
    if hasattr(upload, "temporary_file_path"):  # large uploads are already on disk
        info = probe_file(upload.temporary_file_path())
        upload.seek(0)
        stored = default_storage.save(f"{UPLOAD_DIR}/uploads/{uuid.uuid4().hex}{ext}", upload)
    else:
        with tempfile.NamedTemporaryFile(suffix=ext, delete=False) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp_path = tmp.name
        try:
            info = probe_file(tmp_path)
            with open(tmp_path, "rb") as fh:
                stored = default_storage.save(f"{UPLOAD_DIR}/uploads/{uuid.uuid4().hex}{ext}", File(fh))
        finally:
            os.unlink(tmp_path)
    params = {
        "path": stored,
        "title": (title or Path(upload.name).stem).strip()[:200],
        "detector": detector if detector in dict(DETECTOR_CHOICES) else "adaptive",
        "probe": info.to_dict(),
    }
    try:
        return submit_job(user, JOB_KIND, params)
    except Exception:
        default_storage.delete(stored)
        raise


def _reject_size(size: int) -> None:
    limit = limits()["max_mb"]
    mb = f"{size / (1024 * 1024):.1f} MB"
    raise VideoRejected(f"The file is {mb}; the limit is {limit:g} MB.", "too_big", size=mb, limit=f"{limit:g}")


def _discard(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)


def run_job(ctx) -> dict:
    """Job body: analyse the stored upload and save a VideoReport (only when it succeeds)."""
    from perception.models import VideoReport

    params = ctx.params
    stored = params.get("path", "")
    if not stored or not default_storage.exists(stored):
        raise UserError(_("The uploaded video is no longer there; please upload it again."))
    keep = False
    try:
        ctx.report(1, _("Reading the video"))

        def progress(done: int, total: int) -> None:
            ctx.report(min(90, int(90 * done / max(total, 1))), _("Analysed %(done)d of %(total)d frames")
                       % {"done": done, "total": total})

        options = AnalysisOptions.from_env(detector=params.get("detector") or "adaptive")
        try:
            result = analyze_video(default_storage.path(stored), options, progress=progress)
        except VideoRejected as exc:
            raise UserError(reject_message(exc)) from None
        except VideoError as exc:
            logger.warning("Video analysis failed: %s", exc)
            raise UserError(_("The video could not be analysed: %(reason)s") % {"reason": exc}) from None
        ctx.report(95, _("Drawing the contact sheet"))
        title = params.get("title") or _("Untitled video")
        strip, tile_width, tile_height = result.keyframe_strip_jpeg()
        report = dict(result.report, keyframe_tile_width=tile_width, keyframe_tile_height=tile_height)
        record = VideoReport(owner=ctx.job.owner, title=title, report=report, job=ctx.job)
        record.file.name = stored
        with saved_on_commit() as files:
            files.save(record.contact_sheet, f"{uuid.uuid4().hex}.png", ContentFile(result.contact_sheet_png(title)))
            files.save(record.keyframes, f"{uuid.uuid4().hex}.jpg", ContentFile(strip))
            record.save()
        keep = True
        return {"report_id": record.pk, "url": record.get_absolute_url()}
    finally:
        if not keep:
            _discard(stored)


def export_reports(user) -> list[dict]:
    """'Download my data': every video report of ``user`` (the report JSON and file names)."""
    return [
        {
            "id": r.pk,
            "title": r.title,
            "created": r.created.isoformat(),
            "video_file": r.file.name,
            "contact_sheet": r.contact_sheet.name,
            "report": r.report,
        }
        for r in user.video_reports.order_by("created")
    ]


