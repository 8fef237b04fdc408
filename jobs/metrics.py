"""Prometheus metrics (``GET /metrics``).

Per process (each web process keeps its own; scrape every one): the client library's process and
Python metrics, and HTTP requests counted and timed by :class:`PrometheusMiddleware`. Shared by
every process (read from the database at each scrape, so any one web process reports them all):
jobs by kind and status, queue depths, and model calls, seconds and batch sizes per model.
"""
import threading
import time

from django.db.models import Count, Q, Sum
from prometheus_client import REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from jobs.models import Job, ModelCall
from motif.broker import JOB_QUEUES

BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
SECONDS_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0, 600.0)

HTTP_REQUESTS = Counter("motif_http_requests", "HTTP requests answered by this process.", ["method", "view", "status"])
HTTP_SECONDS = Histogram("motif_http_request_duration_seconds", "Time to answer an HTTP request in this process.",
                         ["method", "view"])


class PrometheusMiddleware:
    """Counts and times every request by method, URL name (not path: bounded labels) and status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.route) if match else "unresolved"
        HTTP_SECONDS.labels(request.method, view).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        return response


def _histogram(name, documentation, field, buckets):
    """A histogram per model of a ModelCall ``field``, counted by the database."""
    family = HistogramMetricFamily(name, documentation, labels=["model"])
    aggregates = {f"le_{i}": Count("pk", filter=Q(**{f"{field}__lte": bound})) for i, bound in enumerate(buckets)}
    rows = ModelCall.objects.values("model").annotate(n=Count("pk"), total=Sum(field), **aggregates).order_by("model")
    for row in rows:
        counts = [(str(float(bound)), row[f"le_{i}"]) for i, bound in enumerate(buckets)]
        family.add_metric([row["model"]], counts + [("+Inf", row["n"])], float(row["total"] or 0.0))
    return family


class DatabaseCollector:
    """Job and model figures from the database at each scrape (the same in every process)."""

    def describe(self):
        """Nothing up front: registering must not query the database."""
        return []

    def collect(self):
        jobs = GaugeMetricFamily("motif_jobs", "Job rows by kind and status.", labels=["kind", "status"])
        for row in Job.objects.values("kind", "status").annotate(n=Count("pk")).order_by("kind", "status"):
            jobs.add_metric([row["kind"], row["status"]], row["n"])
        yield jobs

        depth = GaugeMetricFamily("motif_queue_depth", "Unfinished jobs per queue: waiting (queued) or running.",
                                  labels=["queue", "state"])
        active = dict(((q, s), n) for q, s, n in Job.objects.filter(status__in=Job.ACTIVE)
                      .values_list("queue", "status").annotate(n=Count("pk")).values_list("queue", "status", "n"))
        for queue in JOB_QUEUES:
            for state in Job.ACTIVE:
                depth.add_metric([queue, state], active.get((queue, state), 0))
        yield depth

        calls = CounterMetricFamily("motif_model_calls", "Model calls recorded (ModelCall rows).",
                                    labels=["model", "device"])
        seconds = CounterMetricFamily("motif_model_seconds", "Model time charged to jobs, in seconds.",
                                      labels=["model", "device"])
        for row in (ModelCall.objects.values("model", "device").annotate(n=Count("pk"), s=Sum("seconds"))
                    .order_by("model", "device")):
            calls.add_metric([row["model"], row["device"]], row["n"])
            seconds.add_metric([row["model"], row["device"]], float(row["s"] or 0.0))
        yield calls
        yield seconds
        yield _histogram("motif_model_batch_size", "Batch size of each model call.", "batch_size", BATCH_BUCKETS)
        yield _histogram("motif_model_call_seconds", "Model time charged per call, in seconds.", "seconds",
                         SECONDS_BUCKETS)


_registered = threading.Lock()
_state = {"registered": False}


def exposition() -> bytes:
    """Every metric of this process in Prometheus's text format (the database collector is added
    to the default registry on the first call)."""
    with _registered:
        if not _state["registered"]:
            REGISTRY.register(DatabaseCollector())
            _state["registered"] = True
    return generate_latest(REGISTRY)
