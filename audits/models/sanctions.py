from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import SanctionKind, SanctionStatus, SettlementBasis
from audits.models.findings import AMOUNT_VALIDATORS, MONEY
from audits.querysets import FindingChildQuerySet
from audits.validators import PLAUSIBLE_DATE


class Sanction(models.Model):
    """A notice of suspension, disallowance or charge, with its statutory clock."""

    finding = models.ForeignKey(
        "audits.Finding", on_delete=models.PROTECT, related_name="sanctions"
    )
    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="+", editable=False
    )
    kind = models.CharField(_("kind"), max_length=30, choices=SanctionKind.choices)
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY, validators=AMOUNT_VALIDATORS)
    issued_on = models.DateField(_("issued on"), validators=PLAUSIBLE_DATE)
    received_on = models.DateField(_("received on"), validators=PLAUSIBLE_DATE)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SanctionStatus.choices,
        default=SanctionStatus.ISSUED,
        db_index=True,
    )
    settle_by = models.DateField(_("settle by"), null=True, blank=True, db_index=True)
    appeal_by = models.DateField(_("appeal by"), null=True, blank=True, db_index=True)
    # Set on the move to `settled`: why nothing more is owed (DOMAIN.md, Settlement).
    settlement_basis = models.CharField(
        _("settlement basis"),
        max_length=20,
        choices=SettlementBasis.choices,
        blank=True,
        default="",
    )
    settlement_reason = models.TextField(_("settlement reason"), blank=True, default="")
    settlement_decision_reference = models.CharField(
        _("decision reference"), max_length=100, blank=True, default=""
    )
    matured_from = models.OneToOneField(
        "self",
        verbose_name=_("matured from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matured_into",
    )
    # Empty when the system issued it (a suspension that matured).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = FindingChildQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["issued_on", "id"], name="sanction_list_order")]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")

    def __str__(self):
        return f"{self.reference} ({self.get_kind_display()})"


class PersonLiable(models.Model):
    sanction = models.ForeignKey(Sanction, on_delete=models.CASCADE, related_name="liabilities")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True, default="")
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["sanction", "pk"]
        verbose_name = _("person liable")
        verbose_name_plural = _("persons liable")

    def __str__(self):
        return self.name


class SanctionPayment(models.Model):
    """One line of the settlement ledger. The balance is always computed from these."""

    sanction = models.ForeignKey(Sanction, on_delete=models.PROTECT, related_name="payments")
    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="+", editable=False
    )
    paid_on = models.DateField(_("paid on"), validators=PLAUSIBLE_DATE)
    amount = models.DecimalField(_("amount"), **MONEY, validators=AMOUNT_VALIDATORS)
    receipt_reference = models.CharField(_("receipt reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = FindingChildQuerySet.as_manager()

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.amount} on {self.paid_on} ({self.receipt_reference})"
