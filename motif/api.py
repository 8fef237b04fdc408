"""API-wide behaviour: errors are JSON a client can show, never a traceback."""
import logging
import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jobs.errors import ModelTimeQuotaSpent, TooManyActiveJobs
from motif.views import describe_wait

logger = logging.getLogger(__name__)


def too_many_requests(message, retry_after):
    """Every API 429: a sentence, ``retry_after`` in the body and the ``Retry-After`` header."""
    retry_after = max(1, int(retry_after))
    return Response(
        {"detail": message, "retry_after": retry_after},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(retry_after)},
    )


def exception_handler(exc, context):
    """DRF's handler, plus 429s that say when to retry (throttles, the active-job limit and the
    daily model-time quota, raised by ``submit_job`` anywhere) and a JSON 500 for anything
    unexpected (logged)."""
    if isinstance(exc, TooManyActiveJobs):
        return too_many_requests(str(exc), settings.MOTIF_ACTIVE_JOBS_RETRY_AFTER)
    if isinstance(exc, ModelTimeQuotaSpent):
        return too_many_requests(str(exc), exc.retry_after)
    if isinstance(exc, Throttled):
        wait = math.ceil(exc.wait or 1)
        return too_many_requests(
            _("Too many requests in a short time. Please wait %(wait)s and try again.")
            % {"wait": describe_wait(wait)},
            wait,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            {"detail": _("Something went wrong on our side. The error has been logged; please try again.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response
