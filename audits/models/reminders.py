from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audits.querysets import ReminderDigestQuerySet


class ReminderDigest(models.Model):
    """One daily digest sent to one person: the scheduler's record that makes a second
    run on the same day send nothing again. An operational log, not part of the case file."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    sent_on = models.DateField(_("for the day"))
    item_count = models.PositiveIntegerField(_("items"), default=0)
    subject = models.CharField(_("subject"), max_length=200, blank=True, default="")
    body = models.TextField(
        _("text"), blank=True, default="", help_text=_("The e-mail as sent, for /reminders/.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReminderDigestQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "sent_on"], name="one_digest_per_day")
        ]
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")

    def __str__(self):
        return f"{self.recipient} {self.sent_on}"
