"""The daily escalation, called by the audit scheduler's `run_daily` (`run_deadlines`).

A grievance still received or under review after its `verify_due`, or referred to an
agency that has posted no action plan by its `plan_due`, is flagged (`escalation`,
`escalated_on`, both in its history) and listed in one mail to the triage staff. A
grievance is flagged once per clock, so a second run on the same day does nothing."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.models import User
from audits.services.common import save_tracked
from grievances.choices import Escalation
from grievances.choices import GrievanceStatus as G
from grievances.models import Grievance
from grievances.querysets import TRIAGE_ROLES

UNVERIFIED_STATUSES = (G.RECEIVED, G.UNDER_REVIEW)


def lapsed_grievances(*, today):
    """(grievance, escalation) pairs whose clock ran out before `today` and that have not
    been escalated for it yet."""
    unverified = Grievance.objects.filter(
        status__in=UNVERIFIED_STATUSES, verify_due__lt=today
    ).exclude(escalation=Escalation.VERIFICATION)
    no_plan = Grievance.objects.filter(
        status=G.REFERRED_TO_AGENCY, plan_received_at__isnull=True, plan_due__lt=today
    ).exclude(escalation=Escalation.ACTION_PLAN)
    return [(grievance, Escalation.VERIFICATION) for grievance in unverified] + [
        (grievance, Escalation.ACTION_PLAN)
        for grievance in no_plan.select_related("referred_agency")
    ]


def grievance_escalate_lapsed(*, today) -> list[Grievance]:
    escalated = []
    for grievance, escalation in lapsed_grievances(today=today):
        grievance.escalation = escalation
        grievance.escalated_on = today
        save_tracked(
            grievance,
            reason=_("Escalated to the supervisors: %(what)s")
            % {"what": Escalation(escalation).label},
        )
        escalated.append(grievance)
    if escalated:
        codes = [grievance.pk for grievance in escalated]
        transaction.on_commit(lambda: _mail_supervisors(codes, today))
    return escalated


def _mail_supervisors(grievance_ids, today) -> None:
    recipients = list(
        User.objects.filter(is_active=True, role__in=TRIAGE_ROLES)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    grievances = Grievance.objects.filter(pk__in=grievance_ids).select_related("category")
    subject = ngettext(
        "Grievances: %(count)d deadline lapsed",
        "Grievances: %(count)d deadlines lapsed",
        len(grievance_ids),
    ) % {"count": len(grievance_ids)}
    body = render_to_string(
        "grievances/email/escalation.txt", {"grievances": grievances, "day": today}
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
