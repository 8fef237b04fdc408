"""API-wide behaviour: errors are JSON a client can show, never a traceback."""
import logging

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jobs.errors import TooManyActiveJobs

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    """DRF's handler, plus 429 for the active-job limit (raised by ``submit_job`` anywhere)
    and a JSON 500 for anything unexpected (logged with its traceback)."""
    if isinstance(exc, TooManyActiveJobs):
        return Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            {"detail": _("Something went wrong on our side. The error has been logged; please try again.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response
