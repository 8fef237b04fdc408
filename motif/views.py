"""Error pages that never show a traceback."""
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motif.parsers import body_limit_of, too_large_message


def bad_request(request, exception=None):
    """A request Django could not read (a page's form body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields, ...): 413 or 400 with a sentence; JSON under /api/."""
    if isinstance(exception, RequestDataTooBig):
        status, message = 413, too_large_message(body_limit_of(exception))
    elif isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        status, message = 400, _("The form has too many fields or files to read.")
    else:
        status, message = 400, _("The request could not be read. Go back and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "errors/400.html", {"message": message}, status=status)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
