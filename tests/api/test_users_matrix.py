"""Users: SAI staff see everyone they could put on a team (not another SAI's staff), the
rest see their own organisation; only `sai_admin` writes. `me/` answers every actor."""

import pytest

from audits.choices import Role
from tests.api.matrix import EndpointMatrix
from tests.conftest import client_for
from tests.world import ACTORS, build_world

SAI_STAFF = {"sai_admin", "supervisor", "team_leader", "team_auditor", "outsider_auditor"}


class TestUserMatrix(EndpointMatrix):
    """The subject is a citizen auditor of the world's CSO."""

    list_url = "/api/v1/users/"
    visible = SAI_STAFF | {"granted_expert", "team_cso", "outsider_cso"}
    has_history = False  # API.md: users have no history endpoint
    create = {"sai_admin": 201}
    update = {"sai_admin": 200}

    def subject(self, world):
        return world.users["team_cso"]

    def create_payload(self, world):
        return {
            "username": "new_respondent",
            "password": "a-long-enough-passphrase-42",
            "full_name": "Maria Santos",
            "email": "maria@example.org",
            "role": Role.AGENCY_RESPONDENT,
            "organization": world.agency.pk,
        }

    def update_payload(self, world, obj):
        return {"full_name": "Renamed Person"}


class TestSaiUserMatrix(TestUserMatrix):
    """An SAI auditor: seen by the SAI's own staff, not by an auditor of another SAI."""

    visible = SAI_STAFF

    def subject(self, world):
        return world.users["team_auditor"]


class TestAgencyUserMatrix(TestUserMatrix):
    """An agency respondent: seen by SAI staff and colleagues of the same agency."""

    visible = SAI_STAFF | {"granted_expert", "agency_respondent"}

    def subject(self, world):
        return world.users["agency_respondent"]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_me_answers_every_actor_with_themselves(actor):
    world = build_world()
    user = world.actor(actor)
    response = client_for(user).get("/api/v1/users/me/")
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == user.pk
    assert body["role"] == user.role
    assert body["organization"] == user.organization_id
    assert "password" not in body
    if actor == "lapsed_cso":
        assert body["accreditation_lapsed"] is True
        assert "Lapsed Watch" in body["notice"] and "lapsed" in body["notice"]
    else:
        assert body["accreditation_lapsed"] is False
        assert body["notice"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_me_refuses_writes(actor):
    world = build_world()
    response = client_for(world.actor(actor)).patch(
        "/api/v1/users/me/", {"role": "sai_admin"}, format="json"
    )
    assert response.status_code == (401 if actor == "anonymous" else 405)
