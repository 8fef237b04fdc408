"""An uploaded score's way from the request to the library: stored with its job, read in the job.

The request stores the checked bytes in a :class:`~studio.models.ScoreUpload` row committed together
with the job; the job reads them in a limited child process, saves the sketch (only if the file could be
read) and deletes the row.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jobs.errors import UserError
from jobs.services import submit_job
from studio import library
from studio.music.errors import ScoreError
from studio.music.sandbox import ParseCrashed, ParseOutOfMemory, ParseTimeout, read_score_limited
from studio.models import Origin, ScoreUpload, Sketch
from studio.uploads import CheckedScore

STALE_AFTER = timedelta(days=1)


def submit_upload(user, checked: CheckedScore, kind: str, params: dict):
    """Store ``checked`` and submit a ``kind`` job whose ``params["upload"]`` names it; both or neither."""
    with transaction.atomic():
        upload = ScoreUpload.objects.create(owner=user, title=checked.title, extension=checked.extension,
                                            data=checked.data)
        return submit_job(user, kind, {**params, "upload": upload.id})


def read_upload(job, upload_id: int, report) -> Sketch:
    """The library sketch read from the job's upload (read once; a retried job reuses it).
    Fails the job with a sentence when the file cannot be read within the limits."""
    upload = ScoreUpload.objects.filter(pk=upload_id, owner=job.owner).select_related("sketch").first()
    if upload is None:
        raise UserError(_("The uploaded file is no longer here; please upload it again."))
    if upload.sketch is not None:
        return upload.sketch
    report(5, _("Reading the score"))
    score = _parse(bytes(upload.data), upload.extension)
    with transaction.atomic():
        row = library.store_scores(job.owner, [score], origin=Origin.UPLOADED, titles=[upload.title], saved=True)[0]
        upload.sketch, upload.data = row, b""
        upload.save(update_fields=["sketch", "data"])
    return row


def _parse(data: bytes, extension: str):
    seconds, megabytes = settings.MOTIF_SCORE_PARSE_SECONDS, settings.MOTIF_SCORE_PARSE_MB
    try:
        return read_score_limited(data, extension, seconds=seconds, megabytes=megabytes)
    except ParseTimeout:
        raise UserError(ngettext("This score is too large or complex to read within %(n)d second.",
                                 "This score is too large or complex to read within %(n)d seconds.", seconds)
                        % {"n": seconds}) from None
    except ParseOutOfMemory:
        raise UserError(_("This score needs more than %(mb)d MB of memory to read; upload a shorter piece.")
                        % {"mb": megabytes}) from None
    except ParseCrashed:
        raise UserError(_("This file could not be read as a score; it may be damaged.")) from None
    except ScoreError as exc:
        raise UserError(str(exc)) from None


def discard_upload(upload_id: int) -> None:
    """Forget the stored upload once its job has ended."""
    ScoreUpload.objects.filter(pk=upload_id).delete()


def sweep_stale_uploads() -> int:
    """Delete uploads older than a day (their job never ran to its end); returns how many."""
    deleted, _per_model = ScoreUpload.objects.filter(created_at__lt=timezone.now() - STALE_AFTER).delete()
    return deleted
