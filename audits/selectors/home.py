"""What needs each person today: the data of the home page's role panels.

Each function answers one panel with a fixed number of queries whatever the number of
rows (at most PANEL_ROWS rows per list; the counts say how many there are in all). Every
read starts from `visible_to(user)`, like the API."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, DateTimeField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from audits.choices import (
    EngagementStatus,
    FindingStatus,
    OrganizationKind,
    Role,
    SanctionStatus,
    TeamRole,
)
from audits.deadlines import days_left
from audits.models import (
    Engagement,
    EngagementMember,
    Evidence,
    Finding,
    HomeVisit,
    Organization,
    Recommendation,
    Sanction,
)
from audits.permissions import AUDITOR_TEAM_ROLES
from audits.services.evidence import FILING_STATUSES
from audits.services.findings import SETTLED_RECOMMENDATION_STATUSES

PANEL_ROWS = 20
NOTICE_HORIZON_DAYS = 30  # notices whose clock runs out within this many days
LAPSED_REPLIES_DAYS = 30  # replies that lapsed within this many days
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass
class Rows:
    """At most PANEL_ROWS rows of a list, and how many there are in all."""

    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))

    def __bool__(self):
        return self.total > 0


def _rows(queryset) -> Rows:
    """Two queries whatever the count (the count always runs, so the number of queries
    does not change when a list fills up)."""
    return Rows(list(queryset[:PANEL_ROWS]), queryset.order_by().count())


# --- last visit ----------------------------------------------------------------------------


def last_visit(user, session) -> datetime.datetime | None:
    """When the user last opened the home page in an earlier session (None the first
    time). Stored in `HomeVisit` at the first home page of each session and remembered in
    the session, so reloading the page does not empty "since your last visit"."""
    if "home_since" in session:
        stored = session["home_since"]
        return datetime.datetime.fromisoformat(stored) if stored else None
    now = timezone.now()
    visit = HomeVisit.objects.filter(user=user).only("seen_at").first()
    since = visit.seen_at if visit else None
    if visit is None:
        try:
            with transaction.atomic():
                HomeVisit.objects.create(user=user, seen_at=now)
        except IntegrityError:  # the same user's other tab got there first
            pass
    else:  # not a history-tracked model: a plain update is right here
        HomeVisit.objects.filter(pk=visit.pk).update(seen_at=now)
    session["home_since"] = since.isoformat() if since else ""
    return since


# --- team leader ---------------------------------------------------------------------------


def _led_engagements(user):
    return EngagementMember.objects.filter(user=user, role=TeamRole.TEAM_LEADER).values(
        "engagement_id"
    )


def team_leader_panel(user, *, since: datetime.datetime | None) -> dict | None:
    """Drafts the team leader may submit for review, and evidence filed on their
    engagements since their last visit (all of it the first time, newest first)."""
    if not user.has_role(Role.AUDITOR, Role.SUPERVISOR):
        return None
    led = _led_engagements(user)
    if not EngagementMember.objects.filter(user=user, role=TeamRole.TEAM_LEADER).exists():
        return None
    drafts = (
        Finding.objects.visible_to(user)
        .filter(engagement_id__in=led, status=FindingStatus.DRAFT)
        .exclude(engagement__status=EngagementStatus.CLOSED)
        .select_related("engagement", "created_by")
        .order_by("created_at", "pk")
    )
    evidence = (
        Evidence.objects.visible_to(user)
        .filter(engagement_id__in=led, submitted_at__gt=since or EPOCH)
        .exclude(submitted_by=user)
        .select_related("engagement", "submitted_by")
        .order_by("-submitted_at", "-pk")
    )
    return {"drafts": _rows(drafts), "evidence": _rows(evidence), "since": since}


# --- supervisor ----------------------------------------------------------------------------


def _submitted_for_review():
    """When the finding last went into review: the first `for_review` version after its
    last `draft` version (a finding returned and resubmitted starts a new age)."""
    history = Finding.history.model.objects
    last_draft = (
        history.filter(id=OuterRef(OuterRef("pk")), status=FindingStatus.DRAFT)
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return Subquery(
        history.filter(
            id=OuterRef("pk"),
            status=FindingStatus.FOR_REVIEW,
            history_date__gt=Coalesce(Subquery(last_draft), Value(EPOCH)),
        )
        .order_by("history_date")
        .values("history_date")[:1],
        output_field=DateTimeField(),
    )


def review_queue(user, *, today: datetime.date):
    """Findings waiting for the supervisor's review, oldest first, with `age_days`."""
    findings = (
        Finding.objects.visible_to(user)
        .filter(status=FindingStatus.FOR_REVIEW, engagement__sai_id=user.organization_id)
        .select_related("engagement", "engagement__auditee")
        .annotate(submitted_at=Coalesce(_submitted_for_review(), "updated_at"))
        .order_by("submitted_at", "pk")
    )
    queue = _rows(findings)
    for finding in queue.rows:
        finding.age_days = (today - timezone.localdate(finding.submitted_at)).days
    return queue


def notices_running_out(user, *, today: datetime.date):
    """Issued notices whose settlement (suspension) or appeal (disallowance, charge)
    period ends within NOTICE_HORIZON_DAYS, soonest first, with `due` and `days_left`."""
    horizon = today + datetime.timedelta(days=NOTICE_HORIZON_DAYS)
    running = Q(settle_by__range=(today, horizon)) | Q(appeal_by__range=(today, horizon))
    sanctions = (
        Sanction.objects.visible_to(user)
        .filter(running, status=SanctionStatus.ISSUED)
        .select_related("engagement", "engagement__auditee")
        .annotate(due=Coalesce("settle_by", "appeal_by"))
        .order_by("due", "pk")
    )
    notices = _rows(sanctions)
    for sanction in notices.rows:
        sanction.days_left = days_left(sanction.due, today)
    return notices


def lapsed_replies(user, *, today: datetime.date):
    """Findings whose reply period ran out without a reply (deemed accepted) in the
    last LAPSED_REPLIES_DAYS days, newest first."""
    findings = (
        Finding.objects.visible_to(user)
        .filter(deemed_accepted_on__gte=today - datetime.timedelta(days=LAPSED_REPLIES_DAYS))
        .select_related("engagement", "engagement__auditee")
        .order_by("-deemed_accepted_on", "-pk")
    )
    return _rows(findings)


def supervisor_panel(user, *, today: datetime.date) -> dict | None:
    if not user.has_role(Role.SUPERVISOR):
        return None
    return {
        "review": review_queue(user, today=today),
        "notices": notices_running_out(user, today=today),
        "lapsed": lapsed_replies(user, today=today),
    }


# --- auditor -------------------------------------------------------------------------------


def _returned():
    """A draft that has been in review before: the supervisor returned it."""
    return Exists(
        Finding.history.model.objects.filter(id=OuterRef("pk"), status=FindingStatus.FOR_REVIEW)
    )


def auditor_panel(user) -> dict | None:
    """Open items of the engagements the auditor works on as an auditor of the team:
    drafts, findings the supervisor returned, recommendations not yet settled."""
    if not user.has_role(Role.AUDITOR):
        return None
    mine = EngagementMember.objects.filter(user=user, role__in=AUDITOR_TEAM_ROLES).values(
        "engagement_id"
    )
    findings = (
        Finding.objects.visible_to(user)
        .filter(engagement_id__in=mine, status=FindingStatus.DRAFT)
        .exclude(engagement__status=EngagementStatus.CLOSED)
        .select_related("engagement")
        .annotate(returned=_returned())
    )
    recommendations = (
        Recommendation.objects.visible_to(user)
        .filter(engagement_id__in=mine, finding__status=FindingStatus.ISSUED)
        .exclude(status__in=SETTLED_RECOMMENDATION_STATUSES)
        .select_related("engagement", "finding")
        .order_by("target_date", "pk")
    )
    return {
        "returned": _rows(findings.filter(returned=True).order_by("-updated_at", "-pk")),
        # Drafts of engagements the auditor leads are in the team leader's panel.
        "drafts": _rows(
            findings.filter(returned=False)
            .exclude(engagement_id__in=_led_engagements(user))
            .order_by("created_at", "pk")
        ),
        "recommendations": _rows(recommendations),
    }


# --- citizen auditor -----------------------------------------------------------------------


def cso_panel(user) -> dict | None:
    """The citizen auditor's engagements, those open for filing first, each saying
    whether evidence may be filed on it now."""
    if not user.has_role(Role.CSO_AUDITOR):
        return None
    if user.accreditation_lapsed:
        return {"engagements": Rows(), "lapsed": True}
    filed = (
        Evidence.objects.filter(engagement=OuterRef("pk"), submitted_by=user)
        .order_by()
        .values("engagement")
        .annotate(count=Count("pk"))
        .values("count")
    )
    engagements = (
        Engagement.objects.visible_to(user)
        .filter(members__user=user)
        .exclude(status=EngagementStatus.CLOSED)
        .select_related("auditee")
        .annotate(evidence_count=Coalesce(Subquery(filed[:1]), 0))
        .order_by("-created_at", "-pk")
    )
    rows = _rows(engagements)
    for engagement in rows.rows:
        engagement.may_file = engagement.status in FILING_STATUSES
    rows.rows.sort(key=lambda engagement: not engagement.may_file)
    return {"engagements": rows, "lapsed": False}


# --- oversight -----------------------------------------------------------------------------


def oversight_panel(user) -> dict | None:
    """The latest issued findings and approved reports the oversight body may read."""
    if not user.has_role(Role.OVERSIGHT):
        return None
    from reports.models import Report

    findings = (
        Finding.objects.visible_to(user)
        .filter(status__in=[FindingStatus.ISSUED, FindingStatus.CLOSED])
        .select_related("engagement", "engagement__auditee")
        .order_by("-issued_on", "-pk")
    )
    reports = (
        Report.objects.visible_to(user)
        .filter(approved_at__isnull=False)
        .select_related("engagement")
        .order_by("-approved_at", "-pk")
    )
    return {"findings": _rows(findings), "reports": _rows(reports)}


# --- SAI administrator ---------------------------------------------------------------------

ACCREDITATION_HORIZON_DAYS = 30


def sai_admin_panel(user, *, today: datetime.date) -> dict | None:
    """Civil-society organisations whose accreditation runs out within
    ACCREDITATION_HORIZON_DAYS or ran out in as many days: their citizen auditors lose
    access the day after, so the administrator renews or lets it go knowingly."""
    if not user.has_role(Role.SAI_ADMIN):
        return None
    window = datetime.timedelta(days=ACCREDITATION_HORIZON_DAYS)
    organizations = (
        Organization.objects.visible_to(user)
        .filter(kind=OrganizationKind.CSO, accredited_until__range=(today - window, today + window))
        .order_by("accredited_until", "pk")
    )
    expiring = _rows(organizations)
    for organization in expiring.rows:
        organization.days_left = days_left(organization.accredited_until, today)
    return {"accreditations": expiring}
