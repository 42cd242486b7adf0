"""Who may ask for which report and who approves, as data (visibility is querysets.py)."""

from audits import permissions as can
from audits.choices import Role
from reports.choices import ReportKind


def _engagement_reader(user, engagement) -> bool:
    """The people who write the audit: its team, its SAI's supervisors, the SAI admin."""
    return (
        can.is_team_member(user, engagement)
        or can.is_supervisor(user, engagement)
        or user.has_role(Role.SAI_ADMIN)
    )


def _serves_documents(user, obj) -> bool:
    """Documents served on the agency: the team's auditors and the SAI's supervisors."""
    return can.is_team_auditor_or_supervisor(user, obj) or user.has_role(Role.SAI_ADMIN)


def _agency_reader(user, agency) -> bool:
    return user.has_role(Role.SAI_ADMIN, Role.SUPERVISOR, Role.AUDITOR, Role.OVERSIGHT)


# (kind, subject) -> rule(user, subject object)
REQUESTERS = {
    (ReportKind.AUDIT_REPORT, "engagement"): _engagement_reader,
    (ReportKind.CITIZEN_REPORT, "engagement"): _engagement_reader,
    (ReportKind.RECOMMENDATION_STATUS, "engagement"): _engagement_reader,
    (ReportKind.RECOMMENDATION_STATUS, "agency"): _agency_reader,
    (ReportKind.OBSERVATION_MEMORANDUM, "finding"): _serves_documents,
    (ReportKind.NOTICE, "sanction"): _serves_documents,
}


def may_request(user, kind: str, subject_field: str, subject) -> bool:
    rule = REQUESTERS.get((kind, subject_field))
    return rule is not None and rule(user, subject)


def may_approve(user, report) -> bool:
    """A supervisor of the SAI that ran the engagement (any supervisor for an agency-wide
    recommendation status report, which spans engagements)."""
    if report.engagement_id is None:
        return user.has_role(Role.SUPERVISOR)
    return can.is_supervisor(user, report.engagement)


# Who reads the logged-in dashboard (each sees only their own scope); everyone else, and
# the public, reads /public/dashboard/.
DASHBOARD_ROLES = (Role.SAI_ADMIN, Role.SUPERVISOR, Role.AUDITOR, Role.OVERSIGHT)


def may_see_dashboard(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*DASHBOARD_ROLES))
