from django.db import models
from django.utils import timezone

from security.permissions import SECURITY_OFFICERS


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Its owner sees a token; the SAI admin sees every token."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*SECURITY_OFFICERS):
            return self
        return self.filter(user=user)

    def usable(self):
        return self.filter(revoked_at__isnull=True, expires__gt=timezone.now())


class SecurityEventQuerySet(models.QuerySet):
    """Append-only: nothing updates or deletes the log, whatever the interface."""

    def visible_to(self, user):
        if user.is_authenticated and user.has_role(*SECURITY_OFFICERS):
            return self
        return self.none()

    def update(self, **kwargs):
        raise TypeError("The security log is append-only.")

    def delete(self):
        raise TypeError("The security log is append-only.")

    delete.queryset_only = True
