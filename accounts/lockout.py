"""What a locked-out login sees: a 429 saying when logins open again (django-axes)."""
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motif.ratelimits import client_ip
from motif.views import too_many_requests


def seconds_until_unlocked(username, ip_address):
    """Seconds left of the cool-off that began at the latest counted failure of this account
    or address (the lockout is by either)."""
    cool_off = get_cool_off()
    latest = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=ip_address)).aggregate(
        latest=Max("attempt_time")
    )["latest"]
    if latest is None:
        return int(cool_off.total_seconds())
    return int((latest + cool_off - timezone.now()).total_seconds())


def lockout_response(request, *_ignored):
    """``AXES_LOCKOUT_CALLABLE``: axes calls it with (request, response, credentials) or, from its
    async middleware, (request, credentials); the username is read from the request either way."""
    return too_many_requests(
        request,
        _("Logging in is paused for a while after too many wrong passwords. If you forgot your "
          "password, you can reset it by e-mail."),
        seconds_until_unlocked(get_client_username(request), client_ip(request)),
    )
