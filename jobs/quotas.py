"""Daily model-time quotas, checked when a job is submitted.

A user may use ``MOTIF_DAILY_MODEL_SECONDS`` seconds of model time per UTC calendar day (their
``ModelTimeQuota`` row, set by staff, overrides it; 0 means no limit). Model time is the sum of
the user's ``ModelCall.seconds``: their share of each batched forward pass, or the run time of a
job that recorded no model call (``jobs.usage.charge_run_time``). Once the day's time is spent,
new jobs are refused until the next UTC midnight; a job already accepted runs to its end.
"""
from datetime import datetime, time, timedelta, timezone as dt_timezone

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from jobs.errors import ModelTimeQuotaSpent
from jobs.models import ModelCall, ModelTimeQuota


def day_start(now: datetime) -> datetime:
    """The UTC midnight that began the quota day of ``now``."""
    return datetime.combine(now.astimezone(dt_timezone.utc).date(), time.min, tzinfo=dt_timezone.utc)


def seconds_to_reset(now: datetime) -> int:
    """Whole seconds from ``now`` to the next UTC midnight (at least 1)."""
    return max(1, int(-(-(day_start(now) + timedelta(days=1) - now).total_seconds() // 1)))


def daily_limit(user) -> int:
    """The user's model seconds per day; 0 means no limit."""
    own = ModelTimeQuota.objects.filter(user=user).values_list("daily_seconds", flat=True).first()
    return settings.MOTIF_DAILY_MODEL_SECONDS if own is None else own


def used_today(user, now: datetime | None = None) -> float:
    """Model seconds the user has used since the last UTC midnight."""
    now = now or timezone.now()
    total = ModelCall.objects.filter(owner=user, created_at__gte=day_start(now)).aggregate(s=Sum("seconds"))["s"]
    return float(total or 0.0)


def check_quota(user, now: datetime | None = None) -> None:
    """Raise ``ModelTimeQuotaSpent`` when the user has used up today's model time."""
    now = now or timezone.now()
    limit = daily_limit(user)
    if limit and used_today(user, now) >= limit:
        raise ModelTimeQuotaSpent(limit, seconds_to_reset(now))


def quota_status(user, now: datetime | None = None) -> dict:
    """Today's figures for pages and the API: limit (0: none), used, left and reset time."""
    now = now or timezone.now()
    limit = daily_limit(user)
    used = used_today(user, now)
    return {
        "daily_seconds": limit,
        "used_seconds": round(used, 3),
        "remaining_seconds": round(max(0.0, limit - used), 3) if limit else None,
        "resets_at": day_start(now) + timedelta(days=1),
    }
