"""API tokens (stored hashed) and the append-only security log."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from security.choices import EventKind
from security.querysets import ApiTokenQuerySet, SecurityEventQuerySet


def token_digest(secret: str) -> str:
    """Tokens are 256 random bits, so one SHA-256 is enough; the secret is never stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API (`Authorization: Token <secret>`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("SHA-256 of the secret"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("Can only read, whatever the user's role.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("why revoked"), max_length=200, blank=True, default="")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self):
        return f"{self.user} · {self.created:%Y-%m-%d} · {self.digest[:8]}"


class SecurityEvent(models.Model):
    """One line of the security log. Rows are only ever added: `save()` refuses an update,
    `delete()` refuses, the queryset refuses `update()`/`delete()`, and a database trigger
    refuses an UPDATE from anywhere else."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices, db_index=True)
    # No database constraint: the log keeps its rows whatever happens to the user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True, default="")
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True, default="")
    path = models.CharField(_("path"), max_length=500, blank=True, default="")
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, default="")
    object_id = models.CharField(_("object id"), max_length=64, blank=True, default="")
    detail = models.TextField(_("detail"), blank=True, default="")

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        indexes = [models.Index(fields=["user", "-at"]), models.Index(fields=["kind", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The security log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The security log is append-only.")
