"""DRF throttles on the shared counters of ``motif.ratelimits`` (atomic in Redis, one rate format).

``anon`` counts every API request of an anonymous client by IP, ``user`` every request of an
account, ``jobs`` every POST to a view named in ``MOTIF_JOB_SUBMIT_VIEWS`` (those that submit
a job) per account. The exception handler turns the refusal into a 429 with ``Retry-After``.
"""
from django.conf import settings
from rest_framework.throttling import BaseThrottle

from motif.ratelimits import client_ip, hit


class CounterThrottle(BaseThrottle):
    """A throttle of one ``MOTIF_THROTTLE_RATES`` scope; subclasses say whom a request counts for."""

    scope = None

    def __init__(self):
        self.retry_after = None

    def identity(self, request, view):
        """Who this request counts for, or None when this throttle does not apply."""
        raise NotImplementedError

    def allow_request(self, request, view):
        ident = self.identity(request, view)
        if ident is None:
            return True
        self.retry_after = hit(self.scope, ident)
        return self.retry_after is None

    def wait(self):
        return self.retry_after


class AnonThrottle(CounterThrottle):
    scope = "anon"

    def identity(self, request, view):
        return None if request.user.is_authenticated else client_ip(request)


class UserThrottle(CounterThrottle):
    scope = "user"

    def identity(self, request, view):
        return request.user.pk if request.user.is_authenticated else None


class JobSubmitThrottle(CounterThrottle):
    scope = "jobs"

    def identity(self, request, view):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in settings.MOTIF_JOB_SUBMIT_VIEWS:
            return None
        return request.user.pk if request.user.is_authenticated else client_ip(request)
