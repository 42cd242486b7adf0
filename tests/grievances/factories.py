"""Grievances for tests, filed and moved through the real services."""

import uuid

from audits.choices import Role
from grievances.choices import Channel
from grievances.choices import GrievanceStatus as G
from grievances.models import GrievanceCategory
from grievances.services.filing import grievance_file
from grievances.services.triage import grievance_transition
from tests.factories import UserFactory

# Distinctive, so a search of any response body finds them if they leak.
CONTACT = {
    "contact_name": "Perpetua Zaragosa-Lumbera",
    "contact_email": "perpetua.zl@example.net",
    "contact_phone": "+63 917 555 0142",
}


def category(code="infrastructure", name="Infrastructure"):
    """Seeded by a migration, but transactional tests flush it: get or create."""
    return GrievanceCategory.objects.get_or_create(code=code, defaults={"name": name})[0]


def file_grievance(*, status=G.RECEIVED, agency=None, engagement=None, staff=None, **fields):
    values = {
        "channel": Channel.WEB,
        "description": f"The footbridge at Purok 3 has a broken railing ({uuid.uuid4().hex[:6]}).",
        "category": category(),
        "agency": agency,
        **CONTACT,
        **fields,
    }
    grievance = grievance_file(**values)
    if status == G.RECEIVED:
        return grievance
    staff = staff or UserFactory(role=Role.SAI_ADMIN)
    grievance = grievance_transition(grievance, by=staff, to=G.UNDER_REVIEW)
    if status == G.UNDER_REVIEW:
        return grievance
    first = G.REFERRED_TO_AGENCY if status == G.RESOLVED else status
    grievance = grievance_transition(
        grievance,
        by=staff,
        to=first,
        reason="Not within the mandate" if first == G.DISMISSED else "",
        engagement=engagement,
    )
    if status == G.RESOLVED:
        grievance = grievance_transition(grievance, by=staff, to=G.RESOLVED, reason="Repaired.")
    return grievance
