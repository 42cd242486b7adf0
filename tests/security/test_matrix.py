"""The token and security-log endpoints in the shared permission matrix."""

import pytest

from security.choices import EventKind
from security.models import SecurityEvent
from security.services.tokens import token_create
from tests.api.matrix import EndpointMatrix
from tests.conftest import client_for
from tests.world import ACTORS


class TestApiTokenMatrix(EndpointMatrix):
    """A token of the team leader: its owner and the SAI admin see and revoke it."""

    list_url = "/api/v1/auth/tokens/"
    visible = {"sai_admin", "team_leader"}
    has_history = False
    delete = {"sai_admin": 204, "team_leader": 204}

    def subject(self, world):
        token, _secret = token_create(user=world.users["team_leader"])
        return token

    @pytest.mark.parametrize("actor", ACTORS)
    def test_delete(self, actor):
        # A revoked token stays in the table (for the log) but is no longer listed.
        world, obj = self.setup_world()

        response = client_for(world.actor(actor)).delete(self.detail_url(obj))
        assert response.status_code == self.expected(actor, self.delete), (actor, response.content)
        obj.refresh_from_db()
        assert (obj.revoked_at is not None) == (response.status_code == 204)


class TestSecurityEventMatrix(EndpointMatrix):
    """The security log: the SAI admin only, and nobody writes to it."""

    list_url = "/api/v1/security-events/"
    visible = {"sai_admin"}
    has_history = False

    def subject(self, world):
        event = SecurityEvent(kind=EventKind.LOGIN_FAILED, username="someone")
        event.save()
        return event
