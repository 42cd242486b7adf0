"""A small audit world with one person in every position the permission rules know."""

import datetime
from dataclasses import dataclass, field

from guardian.shortcuts import assign_perm

from audits.choices import EngagementStatus, Role, TeamRole
from tests.factories import (
    AgencyFactory,
    CsoFactory,
    EngagementFactory,
    MemberFactory,
    OrganizationFactory,
    SaiFactory,
    UserFactory,
)

# Who is asking, relative to `world.engagement`.
ACTORS = [
    "anonymous",
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "lapsed_cso",
    "outsider_auditor",
    "outsider_cso",
    "granted_expert",
    "agency_respondent",
    "parent_agency_respondent",
    "other_agency_respondent",
    "oversight",
]


@dataclass
class World:
    sai: object
    cso: object
    agency: object
    engagement: object
    other_engagement: object
    users: dict = field(default_factory=dict)

    def actor(self, name):
        return None if name == "anonymous" else self.users[name]


def build_world(status=EngagementStatus.FIELDWORK) -> World:
    sai = SaiFactory(name="Commission on Audit")
    cso = CsoFactory(name="Pampanga River Watch")
    lapsed_cso = CsoFactory(
        name="Lapsed Watch", accredited_until=datetime.date.today() - datetime.timedelta(days=1)
    )
    department = AgencyFactory(name="Department of Public Works")
    agency = AgencyFactory(name="District Engineering Office", parent=department)
    other_agency = AgencyFactory(name="Provincial Health Office")

    def person(name, role, organization):
        return UserFactory(username=name, role=role, organization=organization)

    users = {
        "sai_admin": person("sai_admin", Role.SAI_ADMIN, sai),
        "supervisor": person("supervisor", Role.SUPERVISOR, sai),
        "team_leader": person("team_leader", Role.AUDITOR, sai),
        "team_auditor": person("team_auditor", Role.AUDITOR, sai),
        "team_cso": person("team_cso", Role.CSO_AUDITOR, cso),
        "lapsed_cso": person("lapsed_cso", Role.CSO_AUDITOR, lapsed_cso),
        "outsider_auditor": person("outsider_auditor", Role.AUDITOR, sai),
        "outsider_cso": person("outsider_cso", Role.CSO_AUDITOR, cso),
        "granted_expert": person("granted_expert", Role.AUDITOR, SaiFactory(name="Other SAI")),
        "agency_respondent": person("agency_respondent", Role.AGENCY_RESPONDENT, agency),
        "parent_agency_respondent": person(
            "parent_agency_respondent", Role.AGENCY_RESPONDENT, department
        ),
        "other_agency_respondent": person(
            "other_agency_respondent", Role.AGENCY_RESPONDENT, other_agency
        ),
        "oversight": person("oversight", Role.OVERSIGHT, OrganizationFactory(name="Senate")),
    }
    engagement = EngagementFactory(sai=sai, auditee=agency, status=status)
    for name, team_role in [
        ("team_leader", TeamRole.TEAM_LEADER),
        ("team_auditor", TeamRole.AUDITOR),
        ("team_cso", TeamRole.CSO_AUDITOR),
        ("lapsed_cso", TeamRole.CSO_AUDITOR),
    ]:
        MemberFactory(engagement=engagement, user=users[name], role=team_role)
    assign_perm("audits.view_engagement", users["granted_expert"], engagement)
    other_engagement = EngagementFactory(sai=sai, auditee=other_agency, status=status)
    MemberFactory(
        engagement=other_engagement, user=users["outsider_auditor"], role=TeamRole.TEAM_LEADER
    )
    MemberFactory(
        engagement=other_engagement, user=users["outsider_cso"], role=TeamRole.CSO_AUDITOR
    )
    return World(sai, cso, agency, engagement, other_engagement, users)
