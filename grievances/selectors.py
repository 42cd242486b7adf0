"""Reads shared by the API, the web pages, Open311 and the reports, as plain data.

Nothing here returns a complainant's contact or an internal note: these are the public
views of a grievance."""

import statistics as stats
from collections import Counter

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances.choices import GrievanceStatus
from grievances.models import Grievance, GrievanceCategory, GrievanceUpdate
from grievances.tracking import normalise_code
from grievances.workdays import working_calendar


def with_public_data(queryset=None):
    """The joins and the one prefetch every public view of grievances needs."""
    queryset = Grievance.objects.all() if queryset is None else queryset
    return queryset.select_related("category", "referred_agency", "engagement").prefetch_related(
        Prefetch("updates", queryset=GrievanceUpdate.objects.order_by("created_at", "pk"))
    )


def grievance_by_code(code) -> Grievance | None:
    """One indexed lookup for any input (see grievances.tracking)."""
    return with_public_data().filter(tracking_code=normalise_code(code)).first()


def public_updates(grievance) -> list[dict]:
    return [
        {
            "date": update.created_at,
            "kind": update.kind,
            "status": update.status,
            "text": update.text,
        }
        for update in grievance.updates.all()
    ]


def public_record(grievance) -> dict:
    """What the complainant (anyone holding the code) sees: never contact or notes."""
    agency = grievance.referred_agency
    engagement = grievance.engagement
    return {
        "tracking_code": grievance.grouped_code,
        "status": grievance.status,
        "status_label": str(grievance.get_status_display()),
        "category": grievance.category.code,
        "category_label": grievance.category.name,
        "submitted_at": grievance.submitted_at,
        "agency": {"id": agency.pk, "name": agency.name} if agency else None,
        "engagement": (
            {"reference": engagement.reference, "title": engagement.title} if engagement else None
        ),
        "public_updates": public_updates(grievance),
    }


def overdue_condition(today) -> Q:
    """`is_overdue` as a filter condition, for lists."""
    waiting = [GrievanceStatus.RECEIVED, GrievanceStatus.UNDER_REVIEW]
    return Q(status__in=waiting, verify_due__lt=today) | Q(
        status=GrievanceStatus.REFERRED_TO_AGENCY,
        plan_received_at__isnull=True,
        plan_due__lt=today,
    )


def is_overdue(grievance, today=None) -> bool:
    today = today or timezone.localdate()
    if grievance.status in (GrievanceStatus.RECEIVED, GrievanceStatus.UNDER_REVIEW):
        return grievance.verify_due < today
    if grievance.status == GrievanceStatus.REFERRED_TO_AGENCY:
        return grievance.plan_received_at is None and grievance.plan_due < today
    return False


def grievances_for_engagement(engagement) -> list[dict]:
    """The grievances taken into an engagement, for the audit and citizen reports."""
    rows = with_public_data(Grievance.objects.filter(engagement=engagement)).order_by(
        "submitted_at", "pk"
    )
    result = []
    for grievance in rows:
        updates = list(grievance.updates.all())
        result.append(
            {
                "tracking_code": grievance.grouped_code,
                "category": grievance.category.name,
                "status": str(grievance.get_status_display()),
                "submitted_at": grievance.submitted_at,
                "latest_public_update": updates[-1].text if updates else "",
            }
        )
    return result


def _counts(queryset, field, label_field=None) -> list[tuple]:
    values = [field] + ([label_field] if label_field else [])
    rows = queryset.values(*values).annotate(count=Count("pk")).order_by("-count", field)
    return [(row[field], row[label_field] if label_field else None, row["count"]) for row in rows]


def grievance_statistics(queryset=None) -> dict:
    """Counts by category, agency, status and month, and the median number of working
    days from receipt to the first public update: whether the feedback loop works."""
    queryset = Grievance.objects.all() if queryset is None else queryset
    queryset = queryset.order_by()
    by_status = dict((status, count) for status, _label, count in _counts(queryset, "status"))
    statuses = [
        {"status": value, "label": str(label), "count": by_status.get(value, 0)}
        for value, label in GrievanceStatus.choices
    ]
    categories = dict(GrievanceCategory.objects.values_list("code", "name"))
    by_category = [
        {"category": code, "label": categories.get(code, code), "count": count}
        for code, _label, count in _counts(queryset, "category__code")
    ]
    agencies = Counter()
    names = {}
    for referred, referred_name, named, named_name, count in (
        queryset.values("referred_agency_id", "referred_agency__name", "agency_id", "agency__name")
        .annotate(count=Count("pk"))
        .values_list(
            "referred_agency_id", "referred_agency__name", "agency_id", "agency__name", "count"
        )
    ):
        key = referred or named
        agencies[key] += count
        names[key] = referred_name or named_name or _("Not known")
    by_agency = [
        {"agency": key, "name": names[key], "count": count}
        for key, count in sorted(agencies.items(), key=lambda item: (-item[1], names[item[0]]))
    ]
    by_month = [
        {"month": row["month"].strftime("%Y-%m"), "count": row["count"]}
        for row in queryset.annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
        if row["month"] is not None
    ]
    answered = list(
        queryset.filter(first_public_update_at__isnull=False).values_list(
            "submitted_at", "first_public_update_at"
        )
    )
    median = None
    if answered:
        calendar = working_calendar()
        median = stats.median(
            calendar.working_days_between(
                timezone.localdate(submitted), timezone.localdate(first_update)
            )
            for submitted, first_update in answered
        )
    return {
        "total": sum(by_status.values()),
        "by_status": statuses,
        "by_category": by_category,
        "by_agency": by_agency,
        "by_month": by_month,
        "median_working_days_to_first_update": median,
    }
