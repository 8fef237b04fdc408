"""Periodic and on-demand work: retraining (a job and a Celery beat task) and event retention."""
from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext_lazy

from jobs.messages import translatable as _
from jobs.registry import job_handler

from . import events


@job_handler("recommender.train", queue="cpu", label=gettext_lazy("Retrain the recommendations"))
def train_job(ctx):
    """Retrain the feed's model; the new version swaps in when it is ready, the old one serves meanwhile."""
    ctx.report(5, _("Reading listening data"))
    from .training import train  # scipy and the algorithms load with the first training, not at start-up

    version = train(tune=bool(ctx.params.get("tune", True)))
    ctx.report(100, _("New model active"))
    return {"version": version.pk, "metrics": version.metrics, "url": reverse("recommender:feed")}


@shared_task(name="recommender.retrain")
def retrain():
    """Celery beat: retrain and swap in atomically."""
    from .training import train

    return {"version": train().pk}


@shared_task(name="recommender.fold_old_events")
def fold_old_events():
    """Celery beat: fold raw events older than MOTIF_EVENT_RETENTION_DAYS into aggregates, delete them."""
    return events.fold_old_events()
