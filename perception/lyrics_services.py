"""What the lyric views, API, job handler and exports call. Thin glue over ``perception.lyrics``."""
from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.errors import UserError
from jobs.services import submit_job
from perception.lyrics.structure import MAX_BYTES, LyricsInputError, decode_lyrics  # noqa: F401 (re-exported)
from perception.models import LyricReport

logger = logging.getLogger(__name__)
JOB_KIND = "perception.lyrics"
ALLOWED_EXTENSIONS = (".txt", ".lrc")

# Translations of the plain-Python input errors, by code.
INPUT_MESSAGES = {
    "too_large": gettext_lazy("The lyric is %(size_kb)s KB; the limit is %(limit_kb)s KB. Paste one song at a time."),
    "binary": gettext_lazy("This looks like a binary file, not text. Upload a .txt or .lrc file."),
    "not_text": gettext_lazy("The file is not readable text (try saving it as UTF-8)."),
    "empty": gettext_lazy("The lyric is empty. Paste some lines to analyse."),
    "too_many_lines": gettext_lazy("The lyric has %(lines)s lines; the limit is %(limit)s."),
    "extension": gettext_lazy("Upload a .txt or .lrc file."),
}


def input_message(exc: LyricsInputError) -> str:
    template = INPUT_MESSAGES.get(exc.code)
    return str(template) % exc.params if template else str(exc)


def read_upload(upload) -> bytes:
    """The bytes of an uploaded .txt/.lrc file, refusing anything else before reading it all."""
    name = (upload.name or "").lower()
    if not name.endswith(ALLOWED_EXTENSIONS):
        raise LyricsInputError("Upload a .txt or .lrc file.", "extension")
    if upload.size is not None and upload.size > MAX_BYTES:
        raise LyricsInputError("too large", "too_large", size_kb=round(upload.size / 1024),
                               limit_kb=MAX_BYTES // 1024)
    return upload.read(MAX_BYTES + 1)


def create_report(user, text: str | bytes, title: str = "") -> LyricReport:
    """Validate the lyric, save it and queue its analysis. Raises LyricsInputError or TooManyActiveJobs."""
    clean = decode_lyrics(text)
    with transaction.atomic():
        report = LyricReport.objects.create(owner=user, title=title.strip()[:200], text=clean)
        job = submit_job(user, JOB_KIND, {"report_id": report.pk})
        LyricReport.objects.filter(pk=report.pk).update(job=job)
    report.refresh_from_db()
    return report


def run_analysis(report_id, owner_id, report_progress) -> dict:
    """Job body: analyse the saved lyric and store the report."""
    from perception.lyrics.analyze import Analyzer
    from perception.lyrics.emotion import ModelUnavailable

    report = LyricReport.objects.filter(pk=report_id, owner_id=owner_id).first()
    if report is None:
        raise UserError(_("This lyric was deleted before it could be analysed."))
    try:
        report_progress(5, _("Loading the lyric models"))
        analyzer = Analyzer.shared()
        result = analyzer.analyze(report.text, progress=lambda pct, msg: report_progress(pct, _(msg)))
    except LyricsInputError as exc:
        _fail(report, input_message(exc))
        raise UserError(input_message(exc)) from None
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
        mood=result["mood"]["quadrant"],
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
