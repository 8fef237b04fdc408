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
from django.utils.translation import gettext_lazy

from jobs.errors import UserError
from jobs.messages import translatable as _
from jobs.services import submit_job
from motif import uploads
from motif.uploads import UploadRejected
from motif.files import saved_on_commit
from perception.video.analysis import AnalysisOptions, VideoError, VideoRejected, analyze_video, probe_video
from perception.video.analysis.shots import DEFAULT_DETECTOR

logger = logging.getLogger(__name__)
JOB_KIND = "perception.video"
UPLOAD_DIR = "perception/videos"
DETECTOR_CHOICES = (
    ("fast", gettext_lazy("Fast (default): cuts, fades, dissolves and wipes")),
    ("transnetv2", gettext_lazy("TransNetV2 neural network: the most accurate, slower without a GPU")),
    ("adaptive", gettext_lazy("Adaptive (PySceneDetect): hard cuts, robust to camera motion")),
    ("content", gettext_lazy("Content: hard cuts")),
    ("adaptive+threshold", gettext_lazy("Adaptive + fades to black")),
    ("threshold", gettext_lazy("Fades to black only")),
)
# The probe's codes that the upload policy names differently.
POLICY_CODES = {"too_big": "too_large"}


def rejection(exc: VideoRejected) -> UploadRejected:
    """The probe's or the analysis' refusal as the upload policy's (its translated sentence and status)."""
    code = POLICY_CODES.get(exc.code, exc.code)
    if code not in uploads.MESSAGES:  # a code the policy does not know yet: still a sentence
        return UploadRejected("damaged")
    return UploadRejected(code, **exc.params)

def limits() -> dict:
    return {
        "max_mb": float(getattr(settings, "MOTIF_MAX_UPLOAD_MB", 200)),
        "max_seconds": float(getattr(settings, "MOTIF_MAX_VIDEO_SECONDS", 20 * 60)),
    }


def probe_file(path: str | os.PathLike):
    """Probe with the site's limits; raises VideoRejected."""
    return probe_video(path, **limits())


def start_analysis(user, upload, title: str = "", detector: str = DEFAULT_DETECTOR):
    """Check the upload fully, store it, and queue the analysis job; returns the Job.

    The name, declared size and container magic bytes are checked before anything is written; then
    the probe opens the file. Raises UploadRejected (nothing is stored) or TooManyActiveJobs (the
    stored file is removed).
    """
    ext = uploads.check_upload("video", upload)
    try:
        stored, info = _probe_and_store(upload, ext)
    except VideoRejected as exc:
        raise rejection(exc) from None
    params = {
        "path": stored,
        "title": (title or Path(upload.name).stem).strip()[:200],
        "detector": detector if detector in dict(DETECTOR_CHOICES) else DEFAULT_DETECTOR,
        "probe": info.to_dict(),
    }
    try:
        return submit_job(user, JOB_KIND, params)
    except Exception:
        default_storage.delete(stored)
        raise


def _probe_and_store(upload, ext: str):
    """Probe the upload from disk (the temporary file Django made, or one written here) and store it."""
    name = f"{UPLOAD_DIR}/uploads/{uuid.uuid4().hex}{ext}"
    if hasattr(upload, "temporary_file_path"):  # large uploads are already on disk
        info = probe_file(upload.temporary_file_path())
        upload.seek(0)
        return default_storage.save(name, upload), info
    with tempfile.NamedTemporaryFile(suffix=ext, delete=False) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp_path = tmp.name
    try:
        info = probe_file(tmp_path)
        with open(tmp_path, "rb") as fh:
            return default_storage.save(name, File(fh)), info
    finally:
        os.unlink(tmp_path)


def _discard(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)


def run_job(ctx) -> dict:
    """Job body: analyse the stored upload and save a VideoReport (only when it succeeds)."""
    from perception.video.models import VideoReport

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

        options = AnalysisOptions.from_env(detector=params.get("detector") or DEFAULT_DETECTOR)
        try:
            result = analyze_video(default_storage.path(stored), options, progress=progress)
        except VideoRejected as exc:
            raise UserError(rejection(exc).message) from None
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


