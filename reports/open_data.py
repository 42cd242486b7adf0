"""Open data: issued findings, recommendations with status, and sanctions, as rows for
CSV and JSON downloads. What is public is what oversight reads: findings issued (or
closed) in engagements in reporting or later. Persons liable are not named here (the
notices name them); amounts, dates and statuses are.

Filters (all optional): `agency` (that agency and the offices below it), `year` (of
issue), `status`, `amount_min`, `amount_max`.
"""

from django.db.models import F, Q

from audits.choices import FindingStatus, RecommendationStatus, SanctionStatus
from audits.models import Finding, Organization, Recommendation, Sanction
from audits.querysets import OVERSIGHT_VISIBLE_STATUSES, PUBLISHED_FINDING_STATUSES
from audits.selectors.sanctions import sanctions_with_balance

PUBLIC_FINDING = Q(
    status__in=PUBLISHED_FINDING_STATUSES, engagement__status__in=OVERSIGHT_VISIBLE_STATUSES
)


def _child_public():
    return Q(
        finding__status__in=PUBLISHED_FINDING_STATUSES,
        engagement__status__in=OVERSIGHT_VISIBLE_STATUSES,
    )


def _agency_filter(agency_id, prefix=""):
    agencies = Organization.objects.subtree_of(agency_id).values("pk")
    return Q(**{f"{prefix}engagement__auditee__in": agencies})


def _apply(queryset, filters, *, year_field, amount_field, prefix=""):
    if filters.get("agency"):
        queryset = queryset.filter(_agency_filter(filters["agency"], prefix))
    if filters.get("year"):
        queryset = queryset.filter(**{f"{year_field}__year": filters["year"]})
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if amount_field and filters.get("amount_min") is not None:
        queryset = queryset.filter(**{f"{amount_field}__gte": filters["amount_min"]})
    if amount_field and filters.get("amount_max") is not None:
        queryset = queryset.filter(**{f"{amount_field}__lte": filters["amount_max"]})
    return queryset


def findings(filters: dict):
    queryset = Finding.objects.filter(PUBLIC_FINDING)
    queryset = _apply(queryset, filters, year_field="issued_on", amount_field="amount")
    return queryset.order_by("issued_on", "pk").values(
        "id",
        "reference",
        "title",
        "status",
        "severity",
        "amount",
        "issued_on",
        "response_due",
        "deemed_accepted_on",
        "condition",
        engagement_reference=F("engagement__reference"),
        engagement_title=F("engagement__title"),
        agency=F("engagement__auditee__name"),
        currency=F("engagement__auditee__currency"),
    )


def recommendations(filters: dict):
    queryset = Recommendation.objects.filter(_child_public())
    queryset = _apply(
        queryset, filters, year_field="finding__issued_on", amount_field="finding__amount"
    )
    return queryset.order_by("finding__issued_on", "pk").values(
        "id",
        "text",
        "status",
        "target_date",
        finding_reference=F("finding__reference"),
        finding_title=F("finding__title"),
        finding_amount=F("finding__amount"),
        issued_on=F("finding__issued_on"),
        engagement_reference=F("engagement__reference"),
        agency=F("engagement__auditee__name"),
    )


def sanctions(filters: dict):
    queryset = sanctions_with_balance(Sanction.objects.filter(_child_public()))
    queryset = _apply(queryset, filters, year_field="issued_on", amount_field="amount")
    return queryset.order_by("issued_on", "pk").values(
        "id",
        "reference",
        "kind",
        "status",
        "amount",
        "amount_settled",
        "balance",
        "issued_on",
        "received_on",
        "settle_by",
        "appeal_by",
        finding_reference=F("finding__reference"),
        engagement_reference=F("engagement__reference"),
        agency=F("engagement__auditee__name"),
        currency=F("engagement__auditee__currency"),
    )


DATASETS = {
    "findings": (findings, FindingStatus.choices),
    "recommendations": (recommendations, RecommendationStatus.choices),
    "sanctions": (sanctions, SanctionStatus.choices),
}
