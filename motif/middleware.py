"""Request-level answers to faults a user can understand (instead of a 500)."""
from django.shortcuts import render

from motif.files import DiskFull

RETRY_AFTER_SECONDS = "600"


class DiskFullMiddleware:
    """A page request that filled the disk (an upload being stored) answers 503 with the sentence of
    ``DiskFull``; the storage has removed what it had started to write. (The API answers 503 through
    DRF, since ``DiskFull`` is an ``APIException``.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DiskFull):
            return None
        response = render(request, "errors/disk_full.html", {"message": str(exception)}, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
