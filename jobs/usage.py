"""Model usage: every inference made for a job is recorded as a :class:`jobs.models.ModelCall`."""
from datetime import datetime, timedelta, timezone as dt_timezone

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from jobs.db import with_reconnect
from jobs.models import Job, ModelCall


def record_model_call(job: Job | str, model: str, seconds: float, *, batch_size: int = 1,
                      device: str = "cpu", wait_ms: float = 0.0) -> ModelCall:
    """Record one inference for ``job`` (a row or its id): ``seconds`` is the model time charged to
    it (its share of the batch's forward pass), ``wait_ms`` how long it waited to be batched."""
    return with_reconnect(_create, job, model, seconds, batch_size, device, wait_ms)


def _create(job, model, seconds, batch_size, device, wait_ms):
    if not isinstance(job, Job):
        job = Job.objects.only("id", "owner_id").get(pk=job)
    return ModelCall.objects.create(job=job, owner_id=job.owner_id, model=model, seconds=float(seconds),
                                    batch_size=int(batch_size), device=str(device), wait_ms=float(wait_ms))


RUN_TIME_MODEL_PREFIX = "job:"


def charge_run_time(job: Job, seconds: float, *, device: str = "cpu") -> ModelCall | None:
    """Charge a finished run of ``job`` that recorded no model call (video analysis stages,
    recommender training, ...) its run time, as a ModelCall of model ``job:<kind>``. A run that
    recorded model calls was charged by them (its share of each batch) and is left alone."""
    if ModelCall.objects.filter(job=job).exists():
        return None
    return record_model_call(job, RUN_TIME_MODEL_PREFIX + job.kind, seconds, device=device)


def usage_summary(user, days: int = 30, now: datetime | None = None) -> dict:
    """The user's usage over the last ``days`` UTC days (today included): jobs submitted and model
    seconds in total, by model and by day (newest first), and today's quota."""
    from jobs.quotas import day_start, quota_status

    now = now or timezone.now()
    since = day_start(now) - timedelta(days=days - 1)
    calls = ModelCall.objects.filter(owner=user, created_at__gte=since)
    jobs = Job.objects.filter(owner=user, created_at__gte=since)
    by_model = [
        {"model": row["model"], "calls": row["calls"], "model_seconds": round(row["seconds"], 3)}
        for row in calls.values("model").annotate(calls=Count("pk"), seconds=Sum("seconds")).order_by("-seconds")
    ]
    seconds_by_day = dict(calls.annotate(day=TruncDate("created_at", tzinfo=dt_timezone.utc))
                          .values_list("day").annotate(s=Sum("seconds")).values_list("day", "s"))
    jobs_by_day = dict(jobs.annotate(day=TruncDate("created_at", tzinfo=dt_timezone.utc))
                       .values_list("day").annotate(n=Count("pk")).values_list("day", "n"))
    by_day = [
        {"day": day, "jobs": jobs_by_day.get(day, 0), "model_seconds": round(seconds_by_day.get(day, 0.0), 3)}
        for day in sorted(set(seconds_by_day) | set(jobs_by_day), reverse=True)
    ]
    return {
        "days": days,
        "since": since,
        "jobs": jobs.count(),
        "model_seconds": round(sum(row["model_seconds"] for row in by_model), 3),
        "by_model": by_model,
        "by_day": by_day,
        "quota": quota_status(user, now),
    }
