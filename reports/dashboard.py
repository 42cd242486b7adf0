"""The dashboards' numbers: one selector per chart, each a bounded number of queries
(aggregates in SQL, never one query per row), returning a `Chart` (plain data) that the
page shows as an SVG and a table, and the PDF reports could place as they are.

Scope: `Scope(user)` reads everything through `visible_to(user)`, so a chart counts only
what that user may open; `Scope(None)` is the public: only what the open data publishes
(issued findings in engagements in reporting or later, their recommendations and
sanctions, grievances staff have looked at).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from audits.choices import (
    EngagementStatus,
    RecommendationStatus,
    ResponseKind,
    SanctionKind,
    Severity,
)
from audits.models import Engagement, Finding, Recommendation, Response, Sanction, SanctionPayment
from audits.querysets import OVERSIGHT_VISIBLE_STATUSES, PUBLISHED_FINDING_STATUSES
from grievances.models import Grievance
from grievances.workdays import working_calendar
from reports.open_data import PUBLIC_FINDING
from reports.rendering.charts import MONEY, PERCENT, Chart

# Notices whose amount is "disallowed" money (a suspension is not a disallowance yet).
DISALLOWING_KINDS = [SanctionKind.DISALLOWANCE, SanctionKind.CHARGE]
# Working days from receipt to the first public answer, in the buckets the chart shows;
# the target for verification is 3 working days (DOMAIN.md).
RESPONSE_BUCKETS = (3, 5, 10)


@dataclass
class Scope:
    """What the caller may count: a logged-in user's `visible_to`, or the public's part."""

    user: object = None

    @property
    def public(self) -> bool:
        return self.user is None

    def engagements(self):
        if self.public:
            return Engagement.objects.filter(status__in=OVERSIGHT_VISIBLE_STATUSES)
        return Engagement.objects.visible_to(self.user)

    def findings(self):
        if self.public:
            return Finding.objects.filter(PUBLIC_FINDING)
        return Finding.objects.visible_to(self.user)

    def _child_public(self, model):
        return model.objects.filter(
            finding__status__in=PUBLISHED_FINDING_STATUSES,
            engagement__status__in=OVERSIGHT_VISIBLE_STATUSES,
        )

    def recommendations(self):
        if self.public:
            return self._child_public(Recommendation)
        return Recommendation.objects.visible_to(self.user)

    def sanctions(self):
        if self.public:
            return self._child_public(Sanction)
        return Sanction.objects.visible_to(self.user)

    def grievances(self):
        if self.public:
            return Grievance.objects.published()
        return Grievance.objects.visible_to(self.user)


def _counts(queryset, field, choices) -> tuple[list[str], list[float]]:
    counts = dict(queryset.order_by().values_list(field).annotate(count=Count("pk")))
    return [str(label) for _value, label in choices], [counts.get(v, 0) for v, _l in choices]


def engagements_by_status(scope: Scope) -> Chart:
    statuses = EngagementStatus.choices
    if scope.public:
        statuses = [(v, label) for v, label in statuses if v in OVERSIGHT_VISIBLE_STATUSES]
    labels, values = _counts(scope.engagements(), "status", statuses)
    return Chart(
        title=_("Engagements by status"),
        heading=_("Status"),
        labels=labels,
        series=[(_("Engagements"), values)],
        description=_("Bar chart: the number of audit engagements in each stage."),
    )


def findings_by_severity(scope: Scope) -> Chart:
    labels, values = _counts(scope.findings(), "severity", Severity.choices)
    return Chart(
        title=_("Findings by severity"),
        heading=_("Severity"),
        labels=labels,
        series=[(_("Findings"), values)],
        description=_("Bar chart: the number of findings at each severity."),
    )


def findings_by_agency(scope: Scope) -> Chart:
    rows = (
        scope.findings()
        .order_by()
        .values_list("engagement__auditee__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "engagement__auditee__name")
    )
    return Chart(
        title=_("Findings by agency"),
        heading=_("Agency"),
        labels=[name for name, _count in rows],
        series=[(_("Findings"), [count for _name, count in rows])],
        ranked=True,
        description=_("Bar chart: the number of findings per audited agency, most first."),
    )


def _by_month(queryset, date_field, amount_field) -> dict:
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth(date_field))
        .values_list("month")
        .annotate(total=Sum(amount_field))
    )
    return {_month(month): total for month, total in rows if month is not None}


def _month(value) -> datetime.date:
    """TruncMonth gives a date for a date field, and for a datetime field a datetime
    already in the current time zone (Asia/Manila)."""
    return value.date() if isinstance(value, datetime.datetime) else value


def month_label(month: datetime.date) -> str:
    return date_format(month, "M Y")


def amounts_by_month(scope: Scope) -> Chart:
    """Disallowed: the amounts of notices of disallowance and charge, by month of issue
    (a disallowance that matured from a suspension counts: it was disallowed then).
    Settled: the payments recorded on those notices, by month paid."""
    disallowing = scope.sanctions().filter(kind__in=DISALLOWING_KINDS)
    disallowed = _by_month(disallowing, "issued_on", "amount")
    settled = _by_month(
        SanctionPayment.objects.filter(sanction__in=disallowing.values("pk")), "paid_on", "amount"
    )
    months = sorted(set(disallowed) | set(settled))
    zero = Decimal("0.00")
    return Chart(
        title=_("Amounts disallowed and settled, by month (₱)"),
        heading=_("Month"),
        labels=[month_label(month) for month in months],
        series=[
            (_("Disallowed"), [disallowed.get(m, zero) for m in months]),
            (_("Settled"), [settled.get(m, zero) for m in months]),
        ],
        unit=MONEY,
        description=_(
            "Grouped bar chart: per month, the amount disallowed or charged and the amount "
            "paid back on those notices."
        ),
    )


def implementation_rate(scope: Scope) -> Chart:
    """Implemented recommendations as a share of those that apply (not "not applicable"),
    per agency and year of the finding's issue."""
    rows = (
        scope.recommendations()
        .filter(finding__issued_on__isnull=False)
        .exclude(status=RecommendationStatus.NOT_APPLICABLE)
        .order_by()
        .annotate(year=ExtractYear("finding__issued_on"))
        .values_list("engagement__auditee__name", "year")
        .annotate(
            total=Count("pk"),
            implemented=Count("pk", filter=Q(status=RecommendationStatus.IMPLEMENTED)),
        )
        .order_by("engagement__auditee__name", "year")
    )
    rows = list(rows)
    return Chart(
        title=_("Recommendations implemented, by agency and year"),
        heading=_("Agency and year"),
        labels=[f"{agency} {year}" for agency, year, _t, _i in rows],
        series=[(_("Implemented (%)"), [round(100 * i / t, 1) for _a, _y, t, i in rows])],
        unit=PERCENT,
        weights=[total for _a, _y, total, _i in rows],
        description=_(
            "Bar chart: the share of recommendations fully implemented, per agency and year "
            "of issue (recommendations marked not applicable are left out; with many, the "
            "chart shows those with the most recommendations and the table lists all)."
        ),
        extra={
            "columns": [
                (_("Implemented"), [implemented for _a, _y, _t, implemented in rows]),
                (_("Recommendations that apply"), [total for _a, _y, total, _i in rows]),
            ]
        },
    )


def reply_timeliness(scope: Scope) -> Chart:
    """Issued findings by what became of the agency's reply (a management comment):
    posted by the due date, posted after it, none and the period over (lapsed: deemed
    accepted), none yet and the period still running. One query."""
    comments = Response.objects.filter(finding=OuterRef("pk"), kind=ResponseKind.MANAGEMENT_COMMENT)
    in_time = comments.filter(created_at__date__lte=OuterRef("response_due"))
    today = timezone.localdate()
    totals = (
        scope.findings()
        .filter(status__in=PUBLISHED_FINDING_STATUSES, response_due__isnull=False)
        .order_by()
        .annotate(in_time=Exists(in_time), replied=Exists(comments))
        .aggregate(
            on_time=Count("pk", filter=Q(in_time=True)),
            late=Count("pk", filter=Q(in_time=False, replied=True)),
            lapsed=Count(
                "pk",
                filter=Q(replied=False)
                & (Q(deemed_accepted_on__isnull=False) | Q(response_due__lt=today)),
            ),
            waiting=Count(
                "pk",
                filter=Q(replied=False, deemed_accepted_on__isnull=True, response_due__gte=today),
            ),
        )
    )
    keys = [
        ("on_time", _("Replied within the deadline")),
        ("late", _("Replied late")),
        ("lapsed", _("No reply: lapsed")),
        ("waiting", _("Awaiting reply, time left")),
    ]
    return Chart(
        title=_("Agency replies to findings"),
        heading=_("Reply"),
        labels=[str(label) for _key, label in keys],
        series=[(_("Findings"), [totals[key] for key, _label in keys])],
        description=_(
            "Bar chart: issued findings by whether the agency replied within the deadline, "
            "late, not at all, or still has time."
        ),
    )


def grievances_by_month(scope: Scope) -> Chart:
    rows = (
        scope.grievances()
        .order_by()
        .annotate(month=TruncMonth("submitted_at"))
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    rows = [(month_label(_month(month)), count) for month, count in rows if month is not None]
    return Chart(
        title=_("Grievances received, by month"),
        heading=_("Month"),
        labels=[month for month, _count in rows],
        series=[(_("Grievances"), [count for _month, count in rows])],
        description=_("Bar chart: the number of grievances received each month."),
    )


def grievance_response_time(scope: Scope) -> Chart:
    """Working days from receipt to the first public answer, in buckets, and those not
    answered yet. One query (the answered rows' two dates; working days need the
    calendar of holidays, which is Python)."""
    answered = scope.grievances().order_by().values_list("submitted_at", "first_public_update_at")
    calendar = working_calendar()
    counts = [0] * (len(RESPONSE_BUCKETS) + 2)
    for submitted, first_update in answered:
        if first_update is None:
            counts[-1] += 1
            continue
        days = calendar.working_days_between(
            timezone.localdate(submitted), timezone.localdate(first_update)
        )
        bucket = next(
            (i for i, limit in enumerate(RESPONSE_BUCKETS) if days <= limit),
            len(RESPONSE_BUCKETS),
        )
        counts[bucket] += 1
    labels = [
        _("Answered within 3 working days"),
        _("Answered in 4–5 working days"),
        _("Answered in 6–10 working days"),
        _("Answered after more than 10 working days"),
        _("Not answered yet"),
    ]
    return Chart(
        title=_("Grievances: time to the first public answer"),
        heading=_("Time to answer"),
        labels=[str(label) for label in labels],
        series=[(_("Grievances"), counts)],
        description=_(
            "Bar chart: grievances by the number of working days until the first public "
            "answer, and those not answered yet."
        ),
    )


# The dashboard's charts, in page order; the name is the chart's URL.
CHARTS = {
    "engagements-by-status": engagements_by_status,
    "findings-by-severity": findings_by_severity,
    "findings-by-agency": findings_by_agency,
    "amounts-by-month": amounts_by_month,
    "implementation-rate": implementation_rate,
    "reply-timeliness": reply_timeliness,
    "grievances-by-month": grievances_by_month,
    "grievance-response-time": grievance_response_time,
}


def chart(scope: Scope, name: str) -> Chart:
    """One chart for this scope. The public's are cached for a few minutes (settings.
    PUBLIC_DASHBOARD_CACHE_SECONDS) per chart and language: anyone may ask, and the page
    with its eight images would otherwise aggregate whole tables nine times per visit.
    A logged-in user's are computed each time (their scope is theirs alone)."""
    seconds = settings.PUBLIC_DASHBOARD_CACHE_SECONDS
    if not scope.public or not seconds:
        return CHARTS[name](scope)
    key = f"public-dashboard:{name}:{get_language()}"
    found = cache.get(key)
    if found is None:
        found = CHARTS[name](scope)
        cache.set(key, found, seconds)
    return found


def dashboard(scope: Scope) -> list[tuple[str, Chart]]:
    """Every chart for this scope: a fixed number of queries whatever the row count."""
    return [(name, chart(scope, name)) for name in CHARTS]


def figure(value, unit) -> str:
    """A number as the table beside a chart shows it."""
    if unit == MONEY:
        return f"₱{Decimal(value):,.2f}"
    if unit == PERCENT:
        return f"{value:,.1f}%"
    return f"{value:,}"


def table(chart: Chart) -> dict:
    """The chart's numbers as a table: every label (no "…" tail), one column per series."""
    extra = chart.extra.get("columns", [])  # counts behind a rate
    return {
        "columns": [chart.heading or _("Item")]
        + [str(name) for name, _v in chart.series]
        + [str(name) for name, _v in extra],
        "rows": [
            [label]
            + [figure(values[index], chart.unit) for _name, values in chart.series]
            + [figure(values[index], "count") for _name, values in extra]
            for index, label in enumerate(chart.labels)
        ],
    }
