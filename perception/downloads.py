"""Responses shared by the perception pages and API."""
from __future__ import annotations

from django.http import JsonResponse


def json_download(data: dict, filename: str) -> JsonResponse:
    """``data`` as a pretty-printed UTF-8 JSON file download named ``filename``."""
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
