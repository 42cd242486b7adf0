"""Every actor × every verb of `/api/v1/procedures/`: the programme is internal to the
audit, so agencies and oversight never see it, in any status of the engagement."""

from audits.choices import EngagementStatus
from programme.choices import ProcedureStatus
from tests.api.matrix import EndpointMatrix
from tests.programme_setup import make_procedure

URL = "/api/v1/procedures/"
SAI_AND_TEAM = {
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "granted_expert",
}
PLANNERS = {"team_leader": 200, "supervisor": 200}


class TestOpenProcedureMatrix(EndpointMatrix):
    list_url = URL
    status = EngagementStatus.FIELDWORK
    procedure_status = ProcedureStatus.OPEN
    visible = SAI_AND_TEAM
    # An engagement the caller cannot see is an unknown id (400); a role that never
    # plans, or a team member who is not the leader, is 403.
    create = {
        "team_leader": 201,
        "supervisor": 201,
        "outsider_auditor": 400,
        "outsider_cso": 400,
        "lapsed_cso": 400,
    }
    update = PLANNERS
    delete = {"team_leader": 204, "supervisor": 204}
    transition = (ProcedureStatus.IN_PROGRESS, {"team_leader": 200, "team_cso": 200})

    def subject(self, world):
        return make_procedure(world, self.procedure_status)

    def create_payload(self, world):
        return {
            "engagement": world.engagement.pk,
            "objective": "Interview the barangay captain on the August flooding",
            "method": "interview",
            "assignees": [world.users["team_cso"].pk],
            "due_date": "2026-12-01",
        }

    def update_payload(self, world, obj):
        return {"objective": "Measure at km 0+300 to 0+700", "change_reason": "Longer stretch"}


class TestDoneProcedureMatrix(TestOpenProcedureMatrix):
    """Signed off by its preparer: reviewers sign it off; nothing attached may be deleted."""

    procedure_status = ProcedureStatus.DONE
    delete = {"team_leader": 409, "supervisor": 409}
    transition = (ProcedureStatus.REVIEWED, PLANNERS)


class TestReviewedProcedureInReportingMatrix(TestOpenProcedureMatrix):
    """In reporting the plan is frozen (409); a reviewed paper is reopened with a reason."""

    status = EngagementStatus.REPORTING
    procedure_status = ProcedureStatus.REVIEWED
    create = {**TestOpenProcedureMatrix.create, "team_leader": 409, "supervisor": 409}
    update = {"team_leader": 409, "supervisor": 409}
    delete = {"team_leader": 409, "supervisor": 409}
    transition = (ProcedureStatus.IN_PROGRESS, PLANNERS)


class TestProcedureInFollowUpMatrix(TestReviewedProcedureInReportingMatrix):
    """Agencies and oversight read a follow-up engagement's issued file, never its programme."""

    status = EngagementStatus.FOLLOW_UP
    transition = (ProcedureStatus.IN_PROGRESS, {"team_leader": 409, "supervisor": 409})
