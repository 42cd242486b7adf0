"""What the user is told after a change, in plain words: what happened, to whom, and
what comes next ("The finding was issued to DPWH Pampanga 1st DEO; they have until
11 December to reply"). Each function takes the object as it now is."""

from django.utils.translation import gettext as _

from audits.choices import EngagementStatus, FindingStatus, SanctionStatus
from audits.display import day


def finding_moved(finding) -> str:
    agency = finding.engagement.auditee
    if finding.status == FindingStatus.ISSUED and finding.response_due:
        return _("The finding was issued to %(agency)s; they have until %(date)s to reply.") % {
            "agency": agency,
            "date": day(finding.response_due),
        }
    if finding.status == FindingStatus.FOR_REVIEW:
        return _("The finding was sent for review; a supervisor can now issue it.")
    if finding.status == FindingStatus.DRAFT:
        return _("The finding went back to draft; the team can change it again.")
    if finding.status == FindingStatus.CLOSED:
        return _("The finding was closed. %(agency)s sees it closed.") % {"agency": agency}
    return _("The finding is now: %(status)s.") % {"status": finding.get_status_display()}


def engagement_moved(engagement) -> str:
    if engagement.status == EngagementStatus.CLOSED:
        return _("The engagement was closed; nothing in it can change any more.")
    return _("The engagement moved to %(stage)s.") % {"stage": engagement.get_status_display()}


def recommendation_moved(recommendation) -> str:
    return _("The recommendation is now marked “%(status)s”.") % {
        "status": recommendation.get_status_display()
    }


def sanction_moved(sanction) -> str:
    if sanction.status == SanctionStatus.SETTLED:
        return _("Notice %(notice)s is settled; nothing more is owed on it.") % {
            "notice": sanction.reference
        }
    return _("Notice %(notice)s is now: %(status)s.") % {
        "notice": sanction.reference,
        "status": sanction.get_status_display(),
    }
