"""`Authorization: Token <secret>` for the API, against hashed, expiring tokens."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import SAFE_METHODS

from security.choices import EventKind
from security.services.log import security_event_record
from security.services.tokens import token_for_secret, token_record_use


class ApiTokenAuthentication(TokenAuthentication):
    """`request.auth` is the `ApiToken`. A read-only token may only read: any other
    method is a 403 before the view runs, whatever the user's role."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        token_record_use(token, request)
        if token.read_only and request.method not in SAFE_METHODS:
            security_event_record(
                EventKind.PERMISSION_DENIED,
                request=request._request,
                user=user,
                status_code=403,
                obj=token,
                detail="read-only token",
            )
            raise exceptions.PermissionDenied(_("This token is read-only."))
        return user, token

    def authenticate_credentials(self, key):
        token = token_for_secret(key)
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
