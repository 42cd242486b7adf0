from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import FindingStatus, RecommendationStatus, ResponseKind, Severity
from audits.models.files import StoredFile
from audits.querysets import FindingChildQuerySet, FindingQuerySet

MAX_AMOUNT = Decimal(10) ** 15
MONEY = {"max_digits": 18, "decimal_places": 2}
AMOUNT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)]


class Finding(models.Model):
    """An audit observation: condition, criteria, cause, effect."""

    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="findings"
    )
    reference = models.CharField(_("reference"), max_length=50)
    title = models.CharField(_("title"), max_length=250)
    condition = models.TextField(_("condition"), blank=True, default="")
    criteria = models.TextField(_("criteria"), blank=True, default="")
    cause = models.TextField(_("cause"), blank=True, default="")
    effect = models.TextField(_("effect"), blank=True, default="")
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    amount = models.DecimalField(
        _("amount"), **MONEY, null=True, blank=True, validators=AMOUNT_VALIDATORS
    )
    evidence = models.ManyToManyField(
        "audits.Evidence", verbose_name=_("evidence"), blank=True, related_name="findings"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FindingStatus.choices,
        default=FindingStatus.DRAFT,
        db_index=True,
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    response_due = models.DateField(_("response due"), null=True, blank=True, db_index=True)
    deemed_accepted_on = models.DateField(
        _("deemed accepted on"),
        null=True,
        blank=True,
        help_text=_("Set when the reply period lapsed without a management comment."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[evidence])
    objects = FindingQuerySet.as_manager()

    class Meta:
        # Local columns only (no join to the engagement to sort): newest engagement first.
        ordering = ["-engagement_id", "reference", "pk"]
        indexes = [
            models.Index(fields=["-engagement", "reference", "id"], name="finding_list_order"),
            models.Index(fields=["response_due", "id"], name="finding_due_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "reference"], name="finding_reference_per_engagement"
            )
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def deemed_accepted(self) -> bool:
        return self.deemed_accepted_on is not None


class Recommendation(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="recommendations")
    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="+", editable=False
    )
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.NOT_IMPLEMENTED,
        db_index=True,
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    reiterated_from = models.ForeignKey(
        "self",
        verbose_name=_("reiterated from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reiterations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = FindingChildQuerySet.as_manager()

    class Meta:
        ordering = ["-engagement_id", "finding_id", "pk"]
        indexes = [
            models.Index(fields=["-engagement", "finding", "id"], name="recommendation_list_order")
        ]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return self.text[:80]


class Response(models.Model):
    """A management comment, action plan, status update or rejoinder. Never edited."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="responses")
    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="+", editable=False
    )
    recommendation = models.ForeignKey(
        Recommendation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ResponseKind.choices)
    body = models.TextField(_("body"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responses"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = FindingChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["created_at", "id"], name="response_list_order")]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return f"{self.get_kind_display()} by {self.author}"


class ResponseAttachment(StoredFile):
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="attachments")
    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.original_filename or self.file.name
