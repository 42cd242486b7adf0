"""Sanction figures computed in SQL: what was paid, what is still owed, and totals.

Totals, for any set of sanctions:
- `issued`: the amounts of the original notices. A disallowance issued when a suspension
  matured carries the suspension's unpaid amount, so it is not counted again.
- `settled`: every payment recorded.
- `outstanding`: the balance of sanctions still running (issued, appealed, final,
  execution ordered). A granted appeal or a settlement without payment (a suspension
  cleared by submitting the missing documents) leaves nothing outstanding.
"""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from audits.choices import SanctionStatus
from audits.models import Organization, Sanction, SanctionPayment

RUNNING_STATUSES = [
    SanctionStatus.ISSUED,
    SanctionStatus.APPEALED,
    SanctionStatus.FINAL,
    SanctionStatus.EXECUTION_ORDERED,
]
MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY_FIELD)


def _amount_paid():
    paid = (
        SanctionPayment.objects.filter(sanction=OuterRef("pk"))
        .order_by()
        .values("sanction")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(paid, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)


def sanctions_with_balance(queryset):
    """Annotate `amount_settled` (sum of payments) and `balance` (what is still owed)."""
    return queryset.annotate(amount_settled=_amount_paid()).annotate(
        balance=Case(
            When(status__in=RUNNING_STATUSES, then=F("amount") - F("amount_settled")),
            default=ZERO,
            output_field=MONEY_FIELD,
        )
    )


def sanction_totals(queryset) -> dict:
    """`{"issued", "settled", "outstanding"}` as Decimals, in one query."""
    totals = sanctions_with_balance(queryset).aggregate(
        issued=Coalesce(Sum("amount", filter=Q(matured_from__isnull=True)), ZERO),
        settled=Coalesce(Sum("amount_settled"), ZERO),
        outstanding=Coalesce(Sum("balance"), ZERO),
    )
    return {key: Decimal(value).quantize(Decimal("0.01")) for key, value in totals.items()}


def engagement_sanction_totals(user, engagement_id) -> dict:
    return sanction_totals(Sanction.objects.visible_to(user).filter(engagement_id=engagement_id))


def agency_sanction_totals(user, agency_id) -> dict:
    """The agency and the offices below it, as far as the user may see."""
    agencies = Organization.objects.subtree_of(agency_id).values("pk")
    return sanction_totals(
        Sanction.objects.visible_to(user).filter(engagement__auditee__in=agencies)
    )
