from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import EvidenceKind
from audits.models.files import StoredFile, evidence_storage
from audits.querysets import EvidenceQuerySet
from audits.validators import PLAUSIBLE_DATE


class Evidence(StoredFile):
    """Field evidence. Never changed or deleted once filed: a correction supersedes it."""

    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    description = models.TextField(_("description"), blank=True, default="")
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    captured_at = models.DateTimeField(
        _("captured at"), null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    preview = models.FileField(
        _("preview"), storage=evidence_storage, max_length=255, blank=True, default=""
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_submitted"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    client_reference = models.CharField(
        _("client reference"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("Set by the filing device so a retried upload is not filed twice."),
    )

    history = HistoricalRecords(excluded_fields=["preview"])
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["submitted_at", "id"], name="evidence_list_order")]
        constraints = [
            # A correction chain never forks: each item is superseded at most once.
            models.UniqueConstraint(fields=["supersedes"], name="evidence_superseded_once"),
            models.UniqueConstraint(
                fields=["submitted_by", "client_reference"],
                condition=~models.Q(client_reference=""),
                name="evidence_client_reference_once",
            ),
        ]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}: {self.description[:60]}"


class PublishedEvidence(models.Model):
    """An index, not a record: each item ever linked to an issued finding, with its
    filing time, so a reader of the published file (oversight) pages through these in
    date order instead of stepping over every newer item still in fieldwork. Written by
    the findings services when a finding is issued or its evidence changes after issue;
    a row is never removed, so this is a superset and the visibility rule still checks
    the link itself. Derived data: not in history, rebuilt by the migration that made it."""

    evidence = models.OneToOneField(
        Evidence, on_delete=models.CASCADE, primary_key=True, related_name="publication"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["submitted_at", "evidence"], name="published_evidence_order")
        ]
        verbose_name = _("published evidence")
        verbose_name_plural = _("published evidence")

    def __str__(self):
        return f"evidence #{self.evidence_id}, published"


class EvidenceAccess(models.Model):
    """Chain of custody: every view and download of an evidence file. Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        DOWNLOAD = "download", _("Downloaded")

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="accesses")
    engagement = models.ForeignKey("audits.Engagement", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    accessed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accessed_at", "-pk"]
        verbose_name = _("evidence access")
        verbose_name_plural = _("evidence accesses")

    def __str__(self):
        return f"{self.user} {self.action} evidence #{self.evidence_id} at {self.accessed_at}"
