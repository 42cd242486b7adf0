"""What other apps do that the security log and the tokens must hear about."""

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from security.choices import EventKind
from security.services.log import security_event_record
from security.services.tokens import tokens_revoke_all


def _request_of(request):
    return getattr(request, "_request", request)  # a DRF Request wraps Django's


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    security_event_record(EventKind.LOGIN, request=_request_of(request), user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(EventKind.LOGOUT, request=_request_of(request), user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return  # a programmatic check, not a login attempt by a client
    security_event_record(
        EventKind.LOGIN_FAILED,
        request=_request_of(request),
        user=None,
        username=str(credentials.get("username", ""))[:150],
        status_code=None,
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    security_event_record(
        EventKind.LOCKED_OUT,
        request=_request_of(request),
        user=None,
        username=str(username or "")[:150],
        detail=f"client {ip_address}",
    )


@receiver(post_save, sender=LogEntry)
def _admin_change(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        security_event_record(
            EventKind.ADMIN_CHANGE,
            user=instance.user,
            object_type=instance.content_type.model_class()._meta.label_lower
            if instance.content_type_id and instance.content_type.model_class()
            else "",
            object_id=instance.object_id or "",
            detail=f"{instance.get_action_flag_display()}: {instance.object_repr} "
            f"{instance.get_change_message()}".strip(),
        )


@receiver(pre_save, sender=get_user_model())
def _note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Compare with the stored row, so every path (API, admin, password reset, a
    management command) is covered. Django re-hashing a password at login (a new hasher)
    saves only `password`, with no new raw password: that is not a change."""
    instance._credentials_changed = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    rehash = update_fields is not None and set(update_fields) == {"password"}
    if rehash and getattr(instance, "_password", None) is None:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password:
        instance._credentials_changed = "password changed"
    elif stored["is_active"] and not instance.is_active:
        instance._credentials_changed = "user deactivated"


@receiver(post_save, sender=get_user_model())
def _revoke_tokens_on_credential_change(sender, instance, raw=False, **kwargs):
    reason = getattr(instance, "_credentials_changed", None)
    if raw or not reason:
        return
    instance._credentials_changed = None
    if reason == "password changed":
        security_event_record(EventKind.PASSWORD_CHANGED, user=instance)
    tokens_revoke_all(instance, reason=reason)
