"""Every actor × every verb of `/api/v1/programme-templates/`: read by SAI staff and
citizen auditors, kept by the SAI administrator; agencies and oversight never see them."""

from audits.choices import EngagementStatus
from tests.api.matrix import EndpointMatrix
from tests.programme_setup import make_template

READERS = {
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "outsider_auditor",
    "outsider_cso",
    "granted_expert",
}


class TestProgrammeTemplateMatrix(EndpointMatrix):
    list_url = "/api/v1/programme-templates/"
    status = EngagementStatus.PLANNING
    visible = READERS
    create = {"sai_admin": 201}
    update = {"sai_admin": 200}

    def subject(self, world):
        return make_template()

    def create_payload(self, world):
        return {
            "name": "Farm-to-market road",
            "kind": "other",
            "procedures": [
                {"objective": "Measure the road width", "method": "measurement"},
                {"objective": "Photograph each km post", "method": "photo_documentation"},
            ],
        }

    def update_payload(self, world, obj):
        return {"description": "Roads and bridges", "change_reason": "Wider scope"}
