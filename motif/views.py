"""Error pages that never show a traceback; under /api/ they are JSON, as the API schema documents."""
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motif.parsers import body_limit_of, too_large_message


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    """A request Django could not read (a page's form body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields, ...): 413 or 400 with a sentence; JSON under /api/."""
    if isinstance(exception, RequestDataTooBig):
        status, message = 413, too_large_message(body_limit_of(exception))
    elif isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        status, message = 400, _("The form has too many fields or files to read.")
    else:
        status, message = 400, _("The request could not be read. Go back and try again.")
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "errors/400.html", {"message": message}, status=status)


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("Something went wrong on our side. The error has been logged; please try again.")},
            status=500,
        )
    return render(request, "errors/500.html", status=500)


def describe_wait(seconds):
    """``90`` -> "2 minutes", ``9000`` -> "3 hours": how long to wait, rounded up to what a person reads."""
    seconds = int(-(-seconds // 1))
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = -(-seconds // 60)
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = -(-minutes // 60)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def too_many_requests(request, message, retry_after):
    """The one 429 of pages and forms: ``message`` and when to retry, as JSON to clients that
    ask for JSON and as a page otherwise, with ``Retry-After`` in seconds."""
    retry_after = max(1, int(retry_after))
    accept = request.headers.get("Accept", "")
    if _is_api(request) or ("application/json" in accept and "text/html" not in accept):
        response = JsonResponse({"detail": message, "retry_after": retry_after}, status=429)
    else:
        context = {"message": message, "wait": describe_wait(retry_after)}
        response = render(request, "errors/429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
