"""Job handlers of the studio (queue "gpu"): run a model through ``studio.services`` and store the results.

Each handler returns ``{"sketch_ids": [...], "url": ...}``, the new draft sketches in order and the page
that shows them (the editor for one sketch, the library for several). Results are stored in one
transaction, so a failed job leaves nothing behind.
"""
from __future__ import annotations

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext_lazy

from jobs.errors import UserError
from jobs.messages import translatable as _
from jobs.registry import job_handler
from studio import intake, library, services
from studio.chord_input import ChordInputError, read_progression, varied_bars
from studio.music.errors import ModelUnavailable, ScoreError
from studio.models import Origin, Sketch

MODEL_TITLES = {"vae": gettext_lazy("Melody"), "gan": gettext_lazy("Chorale")}


def _source(ctx, sketch_id) -> Sketch:
    """A sketch the job's owner may read; a sentence for them if it has gone meanwhile."""
    sketch = library.visible_to(ctx.job.owner).filter(pk=sketch_id).first()
    if sketch is None:
        raise UserError(_("The sketch this job started from no longer exists."))
    return sketch


def _call(func, *args, **kwargs):
    """Run a service; a missing model or a score it cannot use fails the job with a sentence."""
    try:
        return func(*args, **kwargs)
    except (ScoreError, ModelUnavailable) as exc:
        raise UserError(str(exc)) from None
    except ValueError as exc:  # the inputs passed validation, so this is about the music itself
        raise UserError(_("The model could not use this sketch: %(reason)s.") % {"reason": exc}) from None


def _chords(p: dict, metre: str, bars: int):
    """The job's chord progression over ``bars`` bars of ``metre``; a sentence if it does not fit them."""
    try:
        return read_progression(p.get("chords", ""), metre, bars)
    except ChordInputError as exc:
        raise UserError(str(exc)) from None


def _result(rows) -> dict:
    url = reverse("studio:edit", args=[rows[0].id]) if len(rows) == 1 else reverse("studio:library")
    return {"sketch_ids": [row.id for row in rows], "url": url}


@job_handler("studio.generate", queue="gpu", label=gettext_lazy("Generate sketches"))
def generate_job(ctx):
    p = ctx.params
    ctx.report(10, _("Sampling %(n)d sketches") % {"n": p["count"]})
    metre = p.get("metre", "4/4")
    scores = _call(services.sample, p["model"], p["count"], p["bars"], key=p["key"], tempo=p["tempo"],
                   temperature=p["temperature"], seed=p.get("seed"), metre=metre,
                   chords=_chords(p, metre, p["bars"]) or None)
    ctx.report(95, _("Saving"))
    name = MODEL_TITLES[p["model"]]
    titles = [f"{name} {i + 1} · {p['key']} · {metre}" for i in range(len(scores))]
    return _result(library.store_scores(ctx.job.owner, scores, origin=Origin.GENERATED, titles=titles))


@job_handler("studio.vary", queue="gpu", label=gettext_lazy("Vary a sketch"))
def vary_job(ctx):
    """Vary a saved sketch (``sketch``) or an uploaded file (``upload``), read here under limits."""
    p = ctx.params
    if "upload" not in p:
        return _vary(ctx, _source(ctx, p["sketch"]))
    try:
        source = intake.read_upload(ctx.job, p["upload"], ctx.report)
        return {**_vary(ctx, source), "uploaded_sketch_id": source.id}
    finally:
        intake.discard_upload(p["upload"])


def _vary(ctx, source: Sketch) -> dict:
    p = ctx.params
    ctx.report(10, _("Varying"))
    score = source.as_score()
    voice = p.get("voice", 0)
    if voice >= len(score.voices):
        raise UserError(_("“%(title)s” has no voice %(voice)d; choose one of its voices.")
                        % {"title": source.title, "voice": voice + 1})
    chords = _chords(p, score.metre, varied_bars(score.bars)) or None
    scores = _call(services.vary, score, p["amount"], p["count"], seed=p.get("seed"), chords=chords, voice=voice)
    titles = [_("%(title)s · variation %(i)d") % {"title": source.title, "i": i + 1} for i in range(len(scores))]
    rows = library.store_scores(ctx.job.owner, scores, origin=Origin.VARIED, titles=titles, parent=source)
    ctx.report(100, _("Done"))
    return _result(rows)


@job_handler("studio.interpolate", queue="gpu", label=gettext_lazy("Interpolate between two melodies"))
def interpolate_job(ctx):
    p = ctx.params
    a, b = _source(ctx, p["a"]), _source(ctx, p["b"])
    ctx.report(10, _("Interpolating"))
    scores = _call(services.interpolate, a.as_score(), b.as_score(), p["steps"])
    titles = [_("%(a)s → %(b)s · step %(i)d of %(n)d") % {"a": a.title, "b": b.title, "i": i + 1, "n": len(scores)}
              for i in range(len(scores))]
    rows = library.store_scores(ctx.job.owner, scores, origin=Origin.INTERPOLATED, titles=titles, parent=a)
    ctx.report(100, _("Done"))
    return _result(rows)


@job_handler("studio.harmonize", queue="gpu", label=gettext_lazy("Harmonise a melody"))
def harmonize_job(ctx):
    p = ctx.params
    source = _source(ctx, p["sketch"])
    ctx.report(10, _("Writing alto, tenor and bass"))
    scores = _call(services.harmonize, source.as_score(), seed=p.get("seed"), count=p["count"])
    titles = [_("%(title)s · harmonised %(i)d") % {"title": source.title, "i": i + 1} for i in range(len(scores))]
    rows = library.store_scores(ctx.job.owner, scores, origin=Origin.HARMONIZED, titles=titles, parent=source)
    ctx.report(100, _("Done"))
    return _result(rows)


@shared_task(name="studio.sweep_stale_uploads")
def sweep_stale_uploads():
    """Celery beat: delete stored uploads that no job read to its end."""
    return intake.sweep_stale_uploads()
