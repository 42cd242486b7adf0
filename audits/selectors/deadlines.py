"""What is waiting on whom, and by when. Read by the agency's dashboard and by the daily
reminder digest; each question is answered with a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audits.choices import FindingStatus, ResponseKind, Role, SanctionKind, SanctionStatus
from audits.deadlines import days_left
from audits.models import Finding, Response, Sanction
from audits.querysets import reads_once

FINDING_REPLY = "finding_reply"
SANCTION_SETTLEMENT = "sanction_settlement"
SANCTION_APPEAL = "sanction_appeal"


@dataclass(frozen=True)
class DueItem:
    kind: str  # FINDING_REPLY, SANCTION_SETTLEMENT or SANCTION_APPEAL
    object: object  # the Finding or Sanction, with `.engagement` loaded
    due: datetime.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    def __getitem__(self, key):
        """Also readable as a mapping: `item["due"]`."""
        return getattr(self, key)


def findings_awaiting_reply(queryset=None):
    """Issued findings whose reply period runs: no management comment yet, not lapsed."""
    # NOT EXISTS, an anti-join: `NOT IN (subquery)` rescans every comment per finding.
    commented = Response.objects.filter(
        finding=OuterRef("pk"), kind=ResponseKind.MANAGEMENT_COMMENT
    )
    return (
        (queryset if queryset is not None else Finding.objects.all())
        .filter(
            status=FindingStatus.ISSUED,
            response_due__isnull=False,
            deemed_accepted_on__isnull=True,
        )
        .exclude(Exists(commented))
        .select_related("engagement")
    )


def sanctions_with_running_clock(queryset=None):
    """Suspensions still to be settled and disallowances/charges still open to appeal."""
    return (
        (queryset if queryset is not None else Sanction.objects.all())
        .filter(status=SanctionStatus.ISSUED)
        .filter(Q(settle_by__isnull=False) | Q(appeal_by__isnull=False))
        .select_related("engagement", "finding")
    )


def due_items(findings, sanctions, *, today: datetime.date) -> list[DueItem]:
    """Both querysets evaluated once each, merged and ordered by due date."""
    items = [
        DueItem(
            FINDING_REPLY, finding, finding.response_due, days_left(finding.response_due, today)
        )
        for finding in findings
    ]
    for sanction in sanctions:
        is_suspension = sanction.kind == SanctionKind.SUSPENSION
        due = sanction.settle_by if is_suspension else sanction.appeal_by
        kind = SANCTION_SETTLEMENT if is_suspension else SANCTION_APPEAL
        items.append(DueItem(kind, sanction, due, days_left(due, today)))
    items.sort(key=lambda item: (item.due, item.kind, item.object.pk))
    return items


@reads_once()
def awaiting_agency(user, *, today: datetime.date | None = None) -> list[DueItem]:
    """What an agency respondent has to answer, settle or may appeal, soonest first.
    Five queries whatever the number of items (three read the agency's engagements: its
    subtree, the engagements it may read in full, and those published to it)."""
    if not user.has_role(Role.AGENCY_RESPONDENT):
        return []
    today = today or timezone.localdate()
    return due_items(
        findings_awaiting_reply(Finding.objects.visible_to(user)),
        sanctions_with_running_clock(Sanction.objects.visible_to(user)),
        today=today,
    )
