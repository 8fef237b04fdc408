"""Per-IP limits on the account forms (log-in, sign-up, password reset), and 429 pages.

Counters live in Django's cache: per process in embedded mode (LocMem), shared by every
process in distributed mode (Redis). Rates come from ``MOTIF_THROTTLE_RATES``; the forms
they guard from ``MOTIF_RATE_LIMITED_VIEWS`` (URL name -> scope).
"""
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from jobs.errors import ModelTimeQuotaSpent, TooManyActiveJobs
from motif.views import too_many_requests

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """``"10/m"`` -> ``(10, 60)``: a count and a period in seconds (s, m, h, d, or words starting so)."""
    count, period = rate.split("/")
    return int(count), PERIOD_SECONDS[period.strip()[0].lower()]


def client_ip(request):
    """The client's address: ``REMOTE_ADDR``, or the address the nearest of
    ``MOTIF_TRUSTED_PROXIES`` proxies saw (they append to ``X-Forwarded-For``)."""
    proxies = settings.MOTIF_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope, ident):
    """Count one request of ``ident`` in ``scope``. Returns None while within the rate,
    else the seconds until the current window ends (for ``Retry-After``)."""
    limit, period = parse_rate(settings.MOTIF_THROTTLE_RATES[scope])
    now = time.time()
    window = int(now // period)
    key = f"motif:rate:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * period - now + 0.999))


class RateLimitMiddleware:
    """Answers 429 (with ``Retry-After`` and a sentence) to form posts past their rate, and
    to a page view that hit the active-job limit or the daily model-time quota without handling it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        scope = settings.MOTIF_RATE_LIMITED_VIEWS.get(request.resolver_match.view_name)
        if scope is None:
            return None
        retry_after = hit(scope, client_ip(request))
        if retry_after is None:
            return None
        return too_many_requests(
            request,
            _("Too many attempts from your network in a short time. Please wait a little and try again."),
            retry_after,
        )

    def process_exception(self, request, exception):
        if isinstance(exception, TooManyActiveJobs):
            return too_many_requests(request, str(exception), settings.MOTIF_ACTIVE_JOBS_RETRY_AFTER)
        if isinstance(exception, ModelTimeQuotaSpent):
            return too_many_requests(request, str(exception), exception.retry_after)
        return None
