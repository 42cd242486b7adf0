from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.choices import ReportKind, ReportStatus
from reports.querysets import ReportQuerySet


class Report(models.Model):
    """One generated version of a report or a served document.

    A draft (no `approved_at`) carries a DRAFT watermark. Approval stores the final file
    once and never touches it again; a later change to the audit file is a new Report
    (`version` + 1), never a changed old one. `progress` and `heartbeat_at` are the job's
    pulse and are saved without a history row."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReportKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # The scope key (copied from the finding or sanction); empty for an agency report.
    engagement = models.ForeignKey(
        "audits.Engagement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    agency = models.ForeignKey(
        "audits.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.ForeignKey(
        "audits.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sanction = models.ForeignKey(
        "audits.Sanction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), max_length=255, blank=True, default="")
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="", db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    # The hash of the data the draft was rendered from: approval renders the same data.
    content_sha256 = models.CharField(max_length=64, blank=True, default="", editable=False)
    failure_reason = models.TextField(_("reason for failure"), blank=True, default="")
    notes = models.JSONField(_("notes"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_requested"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports_approved",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, db_index=True)
    draft_sha256 = models.CharField(
        _("SHA-256 of the draft"), max_length=64, blank=True, default="", editable=False
    )

    history = HistoricalRecords(excluded_fields=["progress", "heartbeat_at"])
    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["engagement", "kind", "-version"])]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} ({self.get_status_display()})"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


class ReportBranding(models.Model):
    """How an audit institution's reports look: its logo on the cover and letterhead and
    the title of the official who signs. Without one, the cover shows the SAI's initials."""

    sai = models.OneToOneField(
        "audits.Organization",
        on_delete=models.CASCADE,
        related_name="report_branding",
        limit_choices_to={"kind": "sai"},
    )
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True, default="")
    signatory_title = models.CharField(
        _("title of the approving official"),
        max_length=120,
        blank=True,
        default="",
        help_text=_("Printed in the signature block, e.g. 'Regional Director'."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report branding")
        verbose_name_plural = _("report branding")

    def __str__(self):
        return str(self.sai)
