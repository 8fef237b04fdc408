"""The operator's view: a staff page (``/ops/``) and the Prometheus endpoint (``/metrics``)."""
import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from jobs import metrics, ops


@require_GET
@login_required
def ops_page(request):
    """Queue depths, running jobs per worker, loaded models, batch sizes and latencies (staff only;
    others get the site's 404, as if the page did not exist)."""
    if not request.user.is_staff:
        raise Http404
    return render(request, "jobs/ops.html", ops.overview())


def metrics_allowed(request) -> bool:
    """A staff session, or ``Authorization: Bearer <MOTIF_METRICS_TOKEN>`` when that setting is set."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.MOTIF_METRICS_TOKEN
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@require_GET
def metrics_view(request):
    """Prometheus's text format; 403 without a staff session or the bearer token."""
    if not metrics_allowed(request):
        return HttpResponse("Forbidden: log in as staff or send the metrics bearer token.\n", status=403,
                            content_type="text/plain; charset=utf-8")
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
