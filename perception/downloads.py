"""Responses and links shared by the perception pages and API."""
from __future__ import annotations

from django.http import JsonResponse


def json_download(data: dict, filename: str) -> JsonResponse:
    """``data`` as a pretty-printed UTF-8 JSON file download named ``filename``."""
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AbsoluteLinksMixin:
    """For serializers: turn a site path into an absolute URL when the request is known."""

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
