"""API tokens: minted at login, listed and revoked by their owner and the SAI admin,
revoked for a user whose password changes or who is deactivated."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.exceptions import NotPermitted
from security.choices import EventKind
from security.models import ApiToken, token_digest
from security.permissions import SECURITY_OFFICERS
from security.services.log import security_event_record


def token_create(*, user, read_only: bool = False, request=None) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is shown once and never stored."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        digest=token_digest(secret),
        expires=timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS),
        read_only=read_only,
    )
    token.full_clean()
    token.save()
    security_event_record(
        EventKind.TOKEN_CREATED,
        request=request,
        user=user,
        obj=token,
        detail="read-only" if read_only else "",
    )
    return token, secret


def token_for_secret(secret: str) -> ApiToken | None:
    """The token with this secret, whatever its state (the caller checks it)."""
    return (
        ApiToken.objects.select_related("user", "user__organization")
        .filter(digest=token_digest(secret))
        .first()
    )


@transaction.atomic
def token_revoke(token: ApiToken, *, by, request=None, reason: str = "") -> ApiToken:
    if token.user_id != by.pk and not by.has_role(*SECURITY_OFFICERS):
        raise NotPermitted(_("Only the token's owner or the SAI admin may revoke it."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_reason = (reason or _("revoked by %(user)s") % {"user": by})[:200]
        token.save(update_fields=["revoked_at", "revoked_reason"])
        security_event_record(
            EventKind.TOKEN_REVOKED, request=request, user=by, obj=token, detail=reason
        )
    return token


def tokens_revoke_all(user, *, reason: str) -> int:
    """Every usable token of `user` (on a password change or a deactivation)."""
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason[:200]
    )
    if count:
        security_event_record(
            EventKind.TOKEN_REVOKED, user=user, detail=f"{count} token(s): {reason}"
        )
    return count


def token_record_use(token: ApiToken, request) -> None:
    """`last_used`, written at most once per `API_TOKEN_USE_RECORD_SECONDS` per token, and
    a `token_used` line in the security log each time it is written."""
    now = timezone.now()
    interval = datetime.timedelta(seconds=settings.API_TOKEN_USE_RECORD_SECONDS)
    if token.last_used is not None and now - token.last_used < interval:
        return
    token.last_used = now
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    security_event_record(EventKind.TOKEN_USED, request=request, user=token.user, obj=token)
