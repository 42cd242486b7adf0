"""The daily run of statutory clocks and reminders (Celery beat at 01:00, or
`manage.py run_deadlines`). Every step only acts on what is due and not yet done, so a
second run on the same day changes nothing and sends nothing."""

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.choices import Role, SanctionKind, TeamRole
from audits.models import EngagementMember, Organization, ReminderDigest, User
from audits.querysets import AGENCY_VISIBLE_STATUSES
from audits.selectors.deadlines import (
    due_items,
    findings_awaiting_reply,
    sanctions_with_running_clock,
)
from audits.services.findings import finding_mark_lapsed_replies
from audits.services.sanction_clocks import (
    sanctions_finalise_unappealed,
    sanctions_mature_unsettled,
)

logger = logging.getLogger(__name__)


@dataclass
class DailySummary:
    day: datetime.date
    dry_run: bool = False
    findings_lapsed: int = 0
    suspensions_matured: list[str] = field(default_factory=list)
    disallowances_issued: list[str] = field(default_factory=list)
    sanctions_finalised: list[str] = field(default_factory=list)
    digests_sent: int = 0
    digests_skipped: int = 0  # already sent today
    errors: list[str] = field(default_factory=list)
    grievances_escalated: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "dry_run": self.dry_run,
            "findings_lapsed": self.findings_lapsed,
            "suspensions_matured": self.suspensions_matured,
            "disallowances_issued": self.disallowances_issued,
            "sanctions_finalised": self.sanctions_finalised,
            "digests_sent": self.digests_sent,
            "digests_skipped": self.digests_skipped,
            "errors": self.errors,
            "grievances_escalated": self.grievances_escalated,
        }


class _DryRunRollback(Exception):
    pass


def run_daily(
    *, today: datetime.date | None = None, dry_run: bool = False, progress: Callable | None = None
) -> DailySummary:
    """Lapse unanswered findings, mature unsettled suspensions, finalise unappealed
    disallowances and charges, then mail each person concerned one digest.

    `dry_run` does everything in a transaction that is rolled back and sends no mail.
    `progress(message)` is called between steps (the management command prints it).
    """
    summary = DailySummary(day=today or timezone.localdate(), dry_run=dry_run)
    report = progress or (lambda message: None)
    try:
        with transaction.atomic():
            _run_steps(summary, report)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return summary


def _run_steps(summary: DailySummary, report: Callable) -> None:
    report(_("1/4 Findings whose reply period lapsed"))
    events = _lapse_findings(summary)
    report(_("2/4 Suspensions not settled in time"))
    events += _mature_suspensions(summary)
    report(_("3/4 Disallowances and charges not appealed in time"))
    events += _finalise_unappealed(summary)
    report(_("Grievances past their working-day deadlines"))
    _escalate_grievances(summary)
    report(_("4/4 Reminder digests"))
    _send_digests(summary, events)


def _lapse_findings(summary: DailySummary) -> list[tuple]:
    lapsed = list(finding_mark_lapsed_replies(today=summary.day))
    summary.findings_lapsed = len(lapsed)
    return [
        (
            finding,
            _("No reply to finding %(reference)s by %(date)s: deemed accepted.")
            % {"reference": finding.reference, "date": finding.response_due.isoformat()},
        )
        for finding in lapsed
    ]


def _report_refusals(refusals: list[str], summary: DailySummary) -> None:
    for refusal in refusals:
        logger.warning("Daily run left a sanction where it was: %s", refusal)
    summary.errors += refusals


def _mature_suspensions(summary: DailySummary) -> list[tuple]:
    moved = sanctions_mature_unsettled(today=summary.day)
    _report_refusals(moved.refusals, summary)
    events = []
    for suspension in moved.sanctions:
        disallowance = moved.replacements[suspension.pk]
        summary.suspensions_matured.append(suspension.reference)
        summary.disallowances_issued.append(disallowance.reference)
        events.append(
            (
                disallowance,
                _("Suspension %(old)s was not settled by %(date)s; disallowance %(new)s issued.")
                % {
                    "old": suspension.reference,
                    "date": suspension.settle_by.isoformat(),
                    "new": disallowance.reference,
                },
            )
        )
    return events


def _finalise_unappealed(summary: DailySummary) -> list[tuple]:
    moved = sanctions_finalise_unappealed(today=summary.day)
    _report_refusals(moved.refusals, summary)
    events = []
    for sanction in moved.sanctions:
        summary.sanctions_finalised.append(sanction.reference)
        events.append(
            (
                sanction,
                _("%(reference)s was not appealed by %(date)s and is now final and executory.")
                % {"reference": sanction.reference, "date": sanction.appeal_by.isoformat()},
            )
        )
    return events


def _escalate_grievances(summary: DailySummary) -> None:
    from grievances.services.deadlines import grievance_escalate_lapsed

    escalated = grievance_escalate_lapsed(today=summary.day)
    summary.grievances_escalated = [grievance.grouped_code for grievance in escalated]


# --- the digest --------------------------------------------------------------------------


def _ancestors_or_self(organization_id, parents: dict) -> list:
    chain = []
    while organization_id is not None and organization_id not in chain:
        chain.append(organization_id)
        organization_id = parents.get(organization_id)
    return chain


def _digest_contents(summary: DailySummary, events) -> dict:
    """recipient → {"items": [DueItem], "events": [text]}, in a fixed number of queries."""
    horizon = summary.day + datetime.timedelta(days=settings.REMINDER_HORIZON_DAYS)
    # Only what falls due by the horizon is read (overdue included), in SQL.
    findings = findings_awaiting_reply().filter(response_due__lte=horizon)
    sanctions = sanctions_with_running_clock().filter(
        Q(kind=SanctionKind.SUSPENSION, settle_by__lte=horizon)
        | (~Q(kind=SanctionKind.SUSPENSION) & Q(appeal_by__lte=horizon))
    )
    items = due_items(findings, sanctions, today=summary.day)
    contents = defaultdict(lambda: {"items": [], "events": []})
    reachable = User.objects.filter(is_active=True).exclude(email="")

    # Agency respondents: what their agency (or an office below it) must do.
    parents = dict(Organization.objects.values_list("pk", "parent_id"))
    respondents = defaultdict(list)
    for user in reachable.filter(role=Role.AGENCY_RESPONDENT, organization__isnull=False):
        respondents[user.organization_id].append(user)
    for item in items:
        engagement = item.object.engagement
        if engagement.status not in AGENCY_VISIBLE_STATUSES:
            continue
        for organization_id in _ancestors_or_self(engagement.auditee_id, parents):
            for user in respondents.get(organization_id, ()):
                contents[user]["items"].append(item)

    # Team leaders: the same deadlines on their engagements, and what the run just did.
    engagement_ids = {item.object.engagement_id for item in items}
    engagement_ids |= {subject.engagement_id for subject, _text in events}
    leaders = defaultdict(list)
    for member in EngagementMember.objects.filter(
        engagement_id__in=engagement_ids, role=TeamRole.TEAM_LEADER, user__in=reachable
    ).select_related("user"):
        leaders[member.engagement_id].append(member.user)
    for item in items:
        for user in leaders.get(item.object.engagement_id, ()):
            contents[user]["items"].append(item)
    for subject, text in events:
        for user in leaders.get(subject.engagement_id, ()):
            contents[user]["events"].append(text)
    return contents


def _send_digests(summary: DailySummary, events) -> None:
    contents = _digest_contents(summary, events)
    if summary.dry_run:
        summary.digests_sent += len(contents)
        return
    done = set(
        ReminderDigest.objects.filter(sent_on=summary.day).values_list("recipient_id", flat=True)
    )
    for user, content in contents.items():
        if user.pk in done:
            summary.digests_skipped += 1
            continue
        count = len(content["items"]) + len(content["events"])
        # One INSERT per e-mail, before it is sent, in the run's transaction: a failed
        # send undoes the run's records (the next run retries), a sent one is never
        # repeated, and a second run started meanwhile waits on the unique
        # (recipient, day) key and then fails instead of mailing twice.
        subject, body = _digest_message(user, content, summary.day)
        ReminderDigest.objects.create(
            recipient=user, sent_on=summary.day, item_count=count, subject=subject, body=body
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        summary.digests_sent += 1


def _digest_message(user, content, day: datetime.date) -> tuple[str, str]:
    """The e-mail's subject and text in the recipient's saved language, also kept on the
    digest for /reminders/."""
    with translation.override(user.language or translation.get_language()):
        return _digest_text(user, content, day)


def _digest_text(user, content, day: datetime.date) -> tuple[str, str]:
    overdue = sum(1 for item in content["items"] if item.overdue)
    subject = ngettext(
        "Audit deadlines: %(count)d item needs attention",
        "Audit deadlines: %(count)d items need attention",
        len(content["items"]) + len(content["events"]),
    ) % {"count": len(content["items"]) + len(content["events"])}
    body = render_to_string(
        "audits/email/deadline_digest.txt",
        {
            "user": user,
            "day": day,
            "items": content["items"],
            "events": content["events"],
            "overdue": overdue,
            "horizon": settings.REMINDER_HORIZON_DAYS,
        },
    )
    return subject, body
