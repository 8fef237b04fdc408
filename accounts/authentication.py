"""``Authorization: Token <key>`` for the REST API, against hashed ApiToken rows."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import ApiToken, hash_token

LAST_USED_RESOLUTION_SECONDS = 60


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user", "user__profile").filter(digest=hash_token(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
