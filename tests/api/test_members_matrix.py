"""The team of an engagement: listed to whoever sees the engagement, changed by its team
leader or a supervisor of its SAI. Anyone who cannot see the engagement gets 404."""

from audits.choices import EngagementStatus, Role
from tests.api.matrix import EndpointMatrix
from tests.api.test_engagements_matrix import SAI_AND_TEAM
from tests.factories import UserFactory

MANAGERS = {"supervisor": 204, "team_leader": 204}


class TestMemberMatrix(EndpointMatrix):
    status = EngagementStatus.FIELDWORK
    nested = True
    has_history = False  # team changes show in the engagement's own history
    visible = SAI_AND_TEAM | {"agency_respondent", "parent_agency_respondent"}
    create = {"supervisor": 201, "team_leader": 201}
    delete = MANAGERS

    def collection_url(self, world):
        return f"/api/v1/engagements/{world.engagement.pk}/members/"

    def detail_url(self, obj):
        return f"/api/v1/engagements/{obj.engagement_id}/members/{obj.pk}/"

    def subject(self, world):
        return world.engagement.members.get(user=world.users["team_auditor"])

    def create_payload(self, world):
        newcomer = UserFactory(role=Role.AUDITOR, organization=world.sai)
        return {"user": newcomer.pk, "role": "auditor"}


class TestMemberInReportingMatrix(TestMemberMatrix):
    """From reporting on, oversight sees the engagement and so its team."""

    status = EngagementStatus.REPORTING
    visible = TestMemberMatrix.visible | {"oversight"}
