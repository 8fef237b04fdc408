"""What the operator's page shows: queue depths, running jobs per worker, loaded models, and batch
sizes and latencies per model. Figures come from the database (shared by every process), the
broker (best effort) and the lists of loaded models that processes publish to the cache."""
import logging
import time
from datetime import datetime, timedelta, timezone as dt_timezone

import numpy as np
from amqp.exceptions import ChannelError
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from jobs import loaded_models
from jobs.models import Job, ModelCall
from motif.broker import JOB_QUEUES

logger = logging.getLogger(__name__)

WORKERS_KEY = "motif:ops:workers"
MODELS_KEY = "motif:ops:models:"
REPORT_SECONDS = 86400
FIGURES_WINDOW = timedelta(hours=1)
LATEST_CALLS = 20000


def queue_depths() -> list[dict]:
    """Per queue: jobs waiting in the outbox, handed to a runner but not started, running (from the
    database), and the broker's message count (None when there is no broker or it did not answer)."""
    counts = Job.objects.filter(status__in=Job.ACTIVE).aggregate(**{
        f"{queue}_{state}": Count("pk", filter=Q(queue=queue) & condition)
        for queue in JOB_QUEUES
        for state, condition in (
            ("outbox", Q(status=Job.Status.QUEUED, dispatched_at__isnull=True)),
            ("dispatched", Q(status=Job.Status.QUEUED, dispatched_at__isnull=False)),
            ("running", Q(status=Job.Status.RUNNING)),
        )
    })
    broker = broker_queue_lengths()
    return [
        {"queue": queue, "outbox": counts[f"{queue}_outbox"], "dispatched": counts[f"{queue}_dispatched"],
         "running": counts[f"{queue}_running"], "broker": broker.get(queue)}
        for queue in JOB_QUEUES
    ]


def broker_queue_lengths() -> dict:
    """Messages waiting in each job queue of the Celery broker (Redis or RabbitMQ); empty in
    embedded mode or when the broker does not answer (logged, never raised)."""
    if settings.MOTIF_MODE != "distributed":
        return {}
    from motif.celery import app

    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            return {queue: _message_count(connection, queue) for queue in JOB_QUEUES}
    except Exception as error:  # noqa: BLE001 - the page shows "unknown" instead
        logger.warning("Could not read the broker's queue lengths: %s", error)
        return {}


def _message_count(connection, queue) -> int:
    """Messages in ``queue``; 0 for a queue the broker does not know yet (Redis drops empty ones).
    A channel of its own: RabbitMQ closes a channel after a failed passive declaration."""
    channel = connection.channel()
    try:
        return channel.queue_declare(queue=queue, passive=True).message_count
    except ChannelError as error:
        if str(getattr(error, "reply_code", "")) == "404":
            return 0
        raise
    finally:
        try:
            channel.close()
        except Exception:  # noqa: BLE001 - already closed by the broker
            pass


def running_by_worker() -> list[dict]:
    """Running jobs grouped by the worker process that claimed them."""
    rows = (Job.objects.filter(status=Job.Status.RUNNING).values("worker", "queue", "kind")
            .annotate(n=Count("pk")).order_by("worker", "queue", "kind"))
    workers: dict[str, dict] = {}
    for row in rows:
        entry = workers.setdefault(row["worker"] or "?", {"worker": row["worker"] or "?", "jobs": 0, "kinds": []})
        entry["jobs"] += row["n"]
        entry["kinds"].append({"queue": row["queue"], "kind": row["kind"], "jobs": row["n"]})
    return list(workers.values())


def publish_loaded_models() -> None:
    """Publish this process's loaded models to the cache, for the operator's page in other processes."""
    name = loaded_models.process_name()
    try:
        cache.set(MODELS_KEY + name, {"at": time.time(), "models": loaded_models.loaded()}, REPORT_SECONDS)
        workers = cache.get(WORKERS_KEY) or {}
        if name not in workers:
            cache.set(WORKERS_KEY, {**workers, name: time.time()}, REPORT_SECONDS)
    except Exception as error:  # noqa: BLE001 - the page is best effort; jobs must not fail for it
        logger.warning("Could not publish the loaded models: %s", error)


def model_load_state() -> list[dict]:
    """Per process: the models it has loaded. This process first, then those reported by others."""
    here = loaded_models.process_name()
    processes = [{"process": here, "this_process": True, "reported_at": None, "models": loaded_models.loaded()}]
    workers = cache.get(WORKERS_KEY) or {}
    for name in sorted(workers):
        report = cache.get(MODELS_KEY + name)
        if name == here or not report:
            continue
        processes.append({"process": name, "this_process": False,
                          "reported_at": datetime.fromtimestamp(report["at"], tz=dt_timezone.utc),
                          "models": report["models"]})
    return processes


def model_figures(now=None) -> list[dict]:
    """Per model over the last hour: calls, batch sizes (mean, p50, max) and p50/p95 of the wait to
    be batched, the charged model time and the latency (wait plus the batch's forward pass, taken as
    the charged share times the batch size), in milliseconds."""
    since = (now or timezone.now()) - FIGURES_WINDOW
    rows = list(ModelCall.objects.filter(created_at__gte=since).order_by("-created_at")
                .values_list("model", "batch_size", "seconds", "wait_ms")[:LATEST_CALLS])
    by_model: dict[str, list] = {}
    for model, batch, seconds, wait in rows:
        by_model.setdefault(model, []).append((batch, seconds, wait))
    figures = []
    for model in sorted(by_model):
        values = np.asarray(by_model[model], dtype=float)
        batch, seconds, wait = values[:, 0], values[:, 1], values[:, 2]
        latency = wait + seconds * batch * 1000.0
        figures.append({
            "model": model, "calls": len(values),
            "batch_mean": float(batch.mean()), "batch_p50": float(np.percentile(batch, 50)),
            "batch_max": int(batch.max()),
            "wait_p50_ms": float(np.percentile(wait, 50)), "wait_p95_ms": float(np.percentile(wait, 95)),
            "model_p50_ms": float(np.percentile(seconds, 50) * 1000), "model_p95_ms": float(np.percentile(seconds, 95) * 1000),
            "latency_p50_ms": float(np.percentile(latency, 50)), "latency_p95_ms": float(np.percentile(latency, 95)),
        })
    return figures


def overview() -> dict:
    """Everything the operator's page shows."""
    return {
        "mode": settings.MOTIF_MODE,
        "queues": queue_depths(),
        "workers": running_by_worker(),
        "processes": model_load_state(),
        "models": model_figures(),
        "window_minutes": int(FIGURES_WINDOW.total_seconds() // 60),
    }
