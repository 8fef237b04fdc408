"""What the lyric views, API, job handler and exports call. Thin glue over ``perception.lyrics``."""
from __future__ import annotations

import logging

from django.db import transaction

from jobs.errors import UserError
from jobs.loaded_models import note_loaded
from jobs.messages import translatable as _
from jobs.services import submit_job
from motif import uploads
from motif.uploads import UploadRejected
from perception.lyrics import batching
from perception.lyrics.models import LyricReport

logger = logging.getLogger(__name__)
JOB_KIND = "perception.lyrics"


def read_lyric(text: str = "", upload=None) -> str:
    """The lyric from pasted ``text`` or an uploaded .txt/.lrc file, held in the request to the one
    upload policy (size, encoding, binary data, blank, the line limit). Raises UploadRejected."""
    if upload is not None:
        return uploads.read_text("lyrics", upload)
    return uploads.clean_text("lyrics", text or "")


def create_report(user, lyric: str, title: str = "") -> LyricReport:
    """Save a lyric returned by :func:`read_lyric` and queue its analysis. Raises TooManyActiveJobs."""
    with transaction.atomic():
        report = LyricReport.objects.create(owner=user, title=title.strip()[:200], text=lyric)
        job = submit_job(user, JOB_KIND, {"report_id": report.pk})
        LyricReport.objects.filter(pk=report.pk).update(job=job)
    report.refresh_from_db()
    return report


def run_analysis(report_id, owner_id, report_progress) -> dict:
    """Job body: analyse the saved lyric and store the report."""
    from perception.lyrics.analysis.analyze import Analyzer
    from perception.lyrics.analysis.emotion import ModelUnavailable

    report = LyricReport.objects.filter(pk=report_id, owner_id=owner_id).first()
    if report is None:
        raise UserError(_("This lyric was deleted before it could be analysed."))
    try:
        report_progress(5, _("Loading the lyric models"))
        analyzer = batching.batched(Analyzer.shared())
        note_loaded("lyric-emotion", device="")
        result = analyzer.analyze(report.text, progress=lambda pct, msg: report_progress(pct, _(msg)))
    except UploadRejected as exc:
        _fail(report, str(exc))
        raise UserError(str(exc)) from None
    except ModelUnavailable:
        logger.exception("Lyric models missing")
        message = _("The lyric models are not installed on this server. Tell the site operator.")
        _fail(report, message)
        raise UserError(message) from None
    except Exception:
        _fail(report, _("The analysis failed. It has been logged; please try again."))
        raise
    LyricReport.objects.filter(pk=report.pk).update(
        report=result,
        status=LyricReport.Status.READY,
        error="",
        language=result["language"],
        mood=result["mood"].get("verdict", result["mood"]["quadrant"]),
    )
    return {"report_id": report.pk, "url": report.get_absolute_url()}


def _fail(report: LyricReport, message: str) -> None:
    LyricReport.objects.filter(pk=report.pk).update(status=LyricReport.Status.FAILED, error=message)


def export_json(report: LyricReport) -> dict:
    return {
        "id": report.pk,
        "title": report.display_title,
        "created": report.created.isoformat(),
        "status": report.status,
        "text": report.text,
        "report": report.report,
    }


def export_reports(user) -> list[dict]:
    return [export_json(r) for r in LyricReport.objects.filter(owner=user).order_by("created")]


# --------------------------------------------------------------------------- compare
def compare(a: dict, b: dict) -> dict:
    """What changed between two drafts' reports: mood, emotion mix, rhyme and syllables."""
    lines_a, lines_b = a.get("lines", []), b.get("lines", [])
    mood_a, mood_b = a.get("mood", {}), b.get("mood", {})
    emotions = sorted(set(a.get("emotion", {}).get("scores", {})) | set(b.get("emotion", {}).get("scores", {})))
    rows = []
    for i in range(max(len(lines_a), len(lines_b))):
        la = lines_a[i] if i < len(lines_a) else None
        lb = lines_b[i] if i < len(lines_b) else None
        rows.append({
            "a": la, "b": lb,
            "changed": (la or {}).get("text") != (lb or {}).get("text"),
            "syllables_delta": (lb["syllables"] - la["syllables"]) if la and lb else None,
            "rhyme_changed": bool(la and lb and la["rhyme"]["letter"] != lb["rhyme"]["letter"]),
        })
    return {
        "identical": [line["text"] for line in lines_a] == [line["text"] for line in lines_b],
        "mood": {
            "a": mood_a, "b": mood_b,
            "changed": mood_a.get("quadrant") != mood_b.get("quadrant"),
            "valence_delta": round(mood_b.get("valence", 0) - mood_a.get("valence", 0), 4),
            "arousal_delta": round(mood_b.get("arousal", 0) - mood_a.get("arousal", 0), 4),
        },
        "emotion": [
            {"label": e, "a": a["emotion"]["scores"].get(e, 0.0), "b": b["emotion"]["scores"].get(e, 0.0),
             "delta": round(b["emotion"]["scores"].get(e, 0.0) - a["emotion"]["scores"].get(e, 0.0), 4)}
            for e in emotions
        ],
        "rhyme_scheme": {"a": a.get("rhyme_scheme", ""), "b": b.get("rhyme_scheme", ""),
                         "changed": a.get("rhyme_scheme") != b.get("rhyme_scheme")},
        "syllables": {"a": a.get("syllables", {}), "b": b.get("syllables", {})},
        "sentiment": {"a": a.get("sentiment", {}).get("valence", 0.0), "b": b.get("sentiment", {}).get("valence", 0.0)},
        "lines": rows,
    }
