from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HomeVisit(models.Model):
    """When a person last opened their home page in an earlier session: what
    "filed since your last visit" counts from. `user.last_login` cannot serve, because
    logging in sets it to the start of the current visit. An operational note, not part
    of the case file (no history)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_visit"
    )
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("home page visit")
        verbose_name_plural = _("home page visits")

    def __str__(self):
        return f"{self.user} {self.seen_at:%Y-%m-%d %H:%M}"
