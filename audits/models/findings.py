from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import FindingStatus, RecommendationStatus, ResponseKind, Severity
from audits.models.files import StoredFile
from audits.querysets import PUBLISHED_FINDING_STATUSES, FindingChildQuerySet, FindingQuerySet
from audits.validators import PLAUSIBLE_DATE

MAX_AMOUNT = Decimal(10) ** 15
MONEY = {"max_digits": 18, "decimal_places": 2}
AMOUNT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)]
# A narrative field longer than this is a paste accident, not an observation.
NARRATIVE_MAX_LENGTH = 20_000
# The four parts of an observation that must be written before it leaves the team.
NARRATIVE_FIELDS = ("condition", "criteria", "cause", "effect")


def narrative_field(label):
    return models.TextField(
        label,
        blank=True,
        default="",
        max_length=NARRATIVE_MAX_LENGTH,
        validators=[MaxLengthValidator(NARRATIVE_MAX_LENGTH)],
    )


class Finding(models.Model):
    """An audit observation: condition, criteria, cause, effect."""

    # No index of its own: `finding_list_order` and the unique reference serve lookups by
    # engagement, and a third index made PostgreSQL prefer it for the published list.
    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="findings", db_index=False
    )
    reference = models.CharField(_("reference"), max_length=50)
    title = models.CharField(_("title"), max_length=250)
    condition = narrative_field(_("condition"))
    criteria = narrative_field(_("criteria"))
    cause = narrative_field(_("cause"))
    effect = narrative_field(_("effect"))
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
    issued_on = models.DateField(_("issued on"), null=True, blank=True, validators=PLAUSIBLE_DATE)
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
            # What agencies and oversight read: issued findings in list order.
            models.Index(
                fields=["-engagement", "reference", "id"],
                condition=models.Q(status__in=PUBLISHED_FINDING_STATUSES),
                name="finding_published_order",
            ),
            models.Index(fields=["response_due", "id"], name="finding_due_order"),
            # `?ordering=-response_due` for them: drafts (no due date) sort first, unread.
            models.Index(
                fields=["response_due", "id"],
                condition=models.Q(status__in=PUBLISHED_FINDING_STATUSES),
                name="finding_published_due_order",
            ),
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

    def completeness(self) -> list[tuple[str, bool]]:
        """The checklist a finding must pass before it goes for review or is issued:
        `[(what, done)]`, in the order the page shows it."""
        items = [
            (str(self._meta.get_field(name).verbose_name), bool(getattr(self, name).strip()))
            for name in NARRATIVE_FIELDS
        ]
        items.append((str(_("at least one recommendation")), self.recommendations.exists()))
        return items

    def missing_for_issue(self) -> list[str]:
        return [what for what, done in self.completeness() if not done]


class Recommendation(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="recommendations")
    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="+", editable=False
    )
    text = models.TextField(
        _("text"),
        max_length=NARRATIVE_MAX_LENGTH,
        validators=[MaxLengthValidator(NARRATIVE_MAX_LENGTH)],
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.NOT_IMPLEMENTED,
        db_index=True,
    )
    target_date = models.DateField(
        _("target date"), null=True, blank=True, validators=PLAUSIBLE_DATE
    )
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

    def clean(self):
        if self.target_date and self.finding_id and self.finding.created_at:
            created_on = timezone.localdate(self.finding.created_at)
            if self.target_date < created_on:
                raise ValidationError(
                    {
                        "target_date": _(
                            "The target date cannot be before the finding was created (%(date)s)."
                        )
                        % {"date": created_on.isoformat()}
                    }
                )


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
