"""Who may do what with a grievance, in one place (`rule(user, grievance) -> bool`).
Visibility (who may see it at all) lives in querysets.py."""

from audits.choices import OrganizationKind, Role
from grievances.choices import GrievanceStatus
from grievances.querysets import is_triage_staff

# Filing needs no account: anyone may file, and staff file for walk-ins.
FILING_ROLES = None


def is_triager(user, grievance=None) -> bool:
    """Supervisors and the SAI administrator verify, refer, dismiss and resolve."""
    return is_triage_staff(user)


def may_see_contact(user, grievance) -> bool:
    """Triage staff read the complainant's contact, unless they asked to stay anonymous."""
    return is_triager(user) and not grievance.anonymous


def may_reveal_contact(user, grievance) -> bool:
    """Only the SAI administrator reveals an anonymous complainant, with a reason."""
    return bool(user and user.is_authenticated and user.has_role(Role.SAI_ADMIN))


def may_answer_for_agency(user, grievance) -> bool:
    """An agency respondent of the agency it was referred to (or of one above it), while
    the referral is open."""
    if grievance.status != GrievanceStatus.REFERRED_TO_AGENCY or not grievance.referred_agency_id:
        return False
    if not (user and user.is_authenticated and user.has_role(Role.AGENCY_RESPONDENT)):
        return False
    from audits.models import Organization

    return (
        Organization.objects.subtree_of(user.organization_id)
        .filter(pk=grievance.referred_agency_id, kind=OrganizationKind.AGENCY)
        .exists()
    )


def may_post_update(user, grievance) -> bool:
    return is_triager(user) or may_answer_for_agency(user, grievance)
