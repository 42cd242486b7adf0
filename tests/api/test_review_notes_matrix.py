"""Every actor × every verb of `/api/v1/review-notes/`."""

from audits.choices import EngagementStatus
from programme.choices import ProcedureStatus
from tests.api.matrix import EndpointMatrix
from tests.api.test_procedures_matrix import SAI_AND_TEAM
from tests.programme_setup import make_note, make_procedure


class TestReviewNoteMatrix(EndpointMatrix):
    list_url = "/api/v1/review-notes/"
    status = EngagementStatus.FIELDWORK
    visible = SAI_AND_TEAM
    # Reviewers write notes; a procedure the caller cannot see is an unknown id (400).
    create = {
        "team_leader": 201,
        "supervisor": 201,
        "outsider_auditor": 400,
        "outsider_cso": 400,
        "lapsed_cso": 400,
    }
    update = {}  # never edited: 405 to whoever sees it, 404 to the others
    delete = {}

    def expected(self, actor, table, *, detail=True):
        if table in (self.update, self.delete) and table == {} and actor != "anonymous":
            return 405 if actor in self.visible else 404
        return super().expected(actor, table, detail=detail)

    def subject(self, world):
        return make_note(world, make_procedure(world, ProcedureStatus.DONE))

    def create_payload(self, world):
        procedure = make_procedure(world, ProcedureStatus.DONE)
        return {"procedure": procedure.pk, "body": "Attach the measurement sheet."}

    def update_payload(self, world, obj):
        return {"body": "Changed"}
