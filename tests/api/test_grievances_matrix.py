"""Grievances in the shared permission matrix. Anyone files (anonymous included, 201);
only supervisors and the SAI administrator triage; who sees a grievance depends on where
it went (querysets.py). Each triage move is tried by every actor."""

import pytest

from grievances.choices import GrievanceStatus as G
from tests.api.matrix import EndpointMatrix
from tests.api.test_engagements_matrix import SAI_AND_TEAM
from tests.conftest import client_for
from tests.grievances.factories import category, file_grievance
from tests.world import ACTORS

STAFF = {"sai_admin", "supervisor"}
STAFF_MOVE = {"sai_admin": 200, "supervisor": 200}
AGENCY = {"agency_respondent", "parent_agency_respondent"}
TEAM = SAI_AND_TEAM - STAFF


class GrievanceMatrix(EndpointMatrix):
    list_url = "/api/v1/grievances/"
    grievance_status = G.RECEIVED
    visible = STAFF
    create = {}
    create_default = 201  # filing needs no account and no role
    update = {"sai_admin": 200, "supervisor": 200}

    def expected(self, actor, table, *, detail=True):
        if actor == "anonymous" and table is self.create:
            return 201
        return super().expected(actor, table, detail=detail)

    def subject(self, world):
        return file_grievance(
            status=self.grievance_status,
            agency=world.agency,
            engagement=world.engagement,
            staff=world.users["sai_admin"],
        )

    def create_payload(self, world):
        category()
        return {"description": "No water for three days", "category": "water_sanitation"}

    def update_payload(self, world, obj):
        return {"assigned_to": world.users["supervisor"].pk}

    def transition_payload(self, world) -> dict:
        return {}

    @pytest.mark.parametrize("actor", ACTORS)
    def test_history(self, actor):
        """Triage history holds the staff's reasons: staff only, 403 for other readers."""
        world, obj = self.setup_world()
        response = client_for(world.actor(actor)).get(self.detail_url(obj) + "history/")
        if actor == "anonymous":
            expected = 401
        elif actor not in self.visible:
            expected = 404
        else:
            expected = 200 if actor in STAFF else 403
        assert response.status_code == expected, (actor, response.content)

    @pytest.mark.parametrize("actor", ACTORS)
    def test_transition(self, actor):
        target, table = self.transition
        world, obj = self.setup_world()
        body = {"to": target, "reason": "matrix", **self.transition_payload(world)}
        response = client_for(world.actor(actor)).post(
            self.detail_url(obj) + "transition/", body, format="json"
        )
        assert response.status_code == self.expected(actor, table), (actor, response.content)
        obj.refresh_from_db()
        assert (obj.status == target) == (response.status_code == 200)


class OtherStateMatrix(GrievanceMatrix):
    """Filing and DELETE do not depend on the subject's state: tried once, above."""

    @pytest.mark.parametrize("actor", ACTORS)
    def test_create(self, actor):
        pytest.skip("same endpoint as TestReceivedGrievanceMatrix")

    @pytest.mark.parametrize("actor", ACTORS)
    def test_delete(self, actor):
        pytest.skip("same endpoint as TestReceivedGrievanceMatrix")


class TestReceivedGrievanceMatrix(GrievanceMatrix):
    """A new grievance: only the triage staff see it (it may be spam until verified)."""

    transition = (G.UNDER_REVIEW, STAFF_MOVE)


class TestReferToAgencyMatrix(OtherStateMatrix):
    grievance_status = G.UNDER_REVIEW
    visible = STAFF | {"oversight"}
    transition = (G.REFERRED_TO_AGENCY, STAFF_MOVE)


class TestReferToAuditMatrix(OtherStateMatrix):
    grievance_status = G.UNDER_REVIEW
    visible = STAFF | {"oversight"}
    transition = (G.REFERRED_TO_AUDIT, STAFF_MOVE)

    def transition_payload(self, world):
        return {"engagement": world.engagement.pk}


class TestDismissMatrix(OtherStateMatrix):
    grievance_status = G.UNDER_REVIEW
    visible = STAFF | {"oversight"}
    transition = (G.DISMISSED, STAFF_MOVE)


class TestReferredToAgencyMatrix(OtherStateMatrix):
    """The agency it went to (and the office above) see it, without contact."""

    grievance_status = G.REFERRED_TO_AGENCY
    visible = STAFF | {"oversight"} | AGENCY
    transition = (G.RESOLVED, STAFF_MOVE)


class TestReferredToAuditMatrix(OtherStateMatrix):
    """The team of the engagement it fed sees it (a granted expert too)."""

    grievance_status = G.REFERRED_TO_AUDIT
    visible = STAFF | {"oversight"} | TEAM
    transition = (G.RESOLVED, STAFF_MOVE)
