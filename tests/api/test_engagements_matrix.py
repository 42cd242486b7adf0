from audits.choices import EngagementStatus
from tests.api.matrix import EndpointMatrix

SAI_AND_TEAM = {
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "granted_expert",
}


class TestEngagementMatrix(EndpointMatrix):
    list_url = "/api/v1/engagements/"
    status = EngagementStatus.FIELDWORK
    visible = SAI_AND_TEAM | {"agency_respondent", "parent_agency_respondent"}
    create = {
        "supervisor": 201,
        "team_leader": 201,
        "team_auditor": 201,
        "outsider_auditor": 201,
        "granted_expert": 201,
    }
    update = {"supervisor": 200, "team_leader": 200}
    transition = ("reporting", {"supervisor": 200, "team_leader": 200})

    def subject(self, world):
        return world.engagement

    def create_payload(self, world):
        return {
            "reference": "CPA-NEW-1",
            "title": "Health centre",
            "auditee": world.agency.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
        }

    def update_payload(self, world, obj):
        return {"title": "Renamed"}


class TestEngagementInReportingMatrix(TestEngagementMatrix):
    """Oversight sees an engagement from reporting on."""

    status = EngagementStatus.REPORTING
    visible = TestEngagementMatrix.visible | {"oversight"}
    transition = ("follow_up", {"supervisor": 200, "team_leader": 200})
