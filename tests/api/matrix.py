"""The shared permission matrix: every actor × every verb of an endpoint.

An endpoint joins by subclassing `EndpointMatrix` in its own test module and declaring:

    class TestThingMatrix(EndpointMatrix):
        list_url = "/api/v1/things/"
        status = EngagementStatus.FIELDWORK           # the world's engagement status
        visible = {"sai_admin", "supervisor", ...}    # who sees `subject`
        create = {"team_leader": 201, ...}            # actor -> status; others: `create_default`
        update = {"team_leader": 200, ...}            # actor -> status for PATCH
        delete = {...}                                # omit a verb the endpoint lacks
        transition = ("to_state", {"team_leader": 200, ...})

        def subject(self, world): ...                 # the object inside the world's scope
        def create_payload(self, world): ...
        def update_payload(self, world, obj): ...

Defaults that need no declaring: anonymous gets 401 on every verb; an actor who cannot see
the subject gets 404 on every detail verb; an actor who sees it but is not listed gets
403; a verb the endpoint lacks is 405 for everyone logged in. Actors are listed in `tests/world.py`.

A collection nested under a parent object (`/engagements/{id}/members/`) overrides
`collection_url(world)` (default: `list_url`) and `detail_url(obj)`, and sets
`nested = True`: an actor who cannot see the parent then gets 404 on the list and on create
too, instead of a list without the row.
"""

import pytest

from tests.conftest import client_for
from tests.world import ACTORS, build_world

NOT_SUPPORTED = object()


@pytest.mark.django_db
class EndpointMatrix:
    list_url: str = ""
    status = None
    visible: set[str] = set()
    has_history = True
    create = NOT_SUPPORTED
    create_default = 403
    update = NOT_SUPPORTED
    delete = NOT_SUPPORTED
    transition = NOT_SUPPORTED
    transition_extra: dict = {}  # more fields for the move (a settlement's basis)
    nested = False

    # --- what a subclass provides -------------------------------------------------------
    def subject(self, world):
        raise NotImplementedError

    def create_payload(self, world) -> dict:
        raise NotImplementedError

    def update_payload(self, world, obj) -> dict:
        raise NotImplementedError

    def collection_url(self, world) -> str:
        return self.list_url

    def detail_url(self, obj) -> str:
        return f"{self.list_url}{obj.pk}/"

    # --- the harness --------------------------------------------------------------------
    def setup_world(self):
        world = build_world(**({"status": self.status} if self.status else {}))
        return world, self.subject(world)

    def expected(self, actor, table, *, detail=True):
        if actor == "anonymous":
            return 401
        if table is NOT_SUPPORTED:
            return 405  # answered before any lookup, so it reveals nothing
        if (detail or self.nested) and actor not in self.visible:
            return 404
        return table.get(actor, self.create_default if not detail else 403)

    @pytest.mark.parametrize("actor", ACTORS)
    def test_list(self, actor):
        world, obj = self.setup_world()
        response = client_for(world.actor(actor)).get(
            self.collection_url(world), {"page_size": 200}
        )
        if actor == "anonymous":
            assert response.status_code == 401
            return
        if self.nested and actor not in self.visible:
            assert response.status_code == 404, (actor, response.content)
            return
        assert response.status_code == 200, response.content
        ids = {row["id"] for row in response.json()["results"]}
        assert (obj.pk in ids) == (actor in self.visible), f"{actor} list visibility"

    @pytest.mark.parametrize("actor", ACTORS)
    def test_retrieve(self, actor):
        world, obj = self.setup_world()
        response = client_for(world.actor(actor)).get(self.detail_url(obj))
        expected = 401 if actor == "anonymous" else (200 if actor in self.visible else 404)
        assert response.status_code == expected, (actor, response.content)
        if expected == 200:
            assert response.headers["ETag"]

    @pytest.mark.parametrize("actor", ACTORS)
    def test_history(self, actor):
        if not self.has_history:
            pytest.skip("this endpoint has no history")
        world, obj = self.setup_world()
        response = client_for(world.actor(actor)).get(self.detail_url(obj) + "history/")
        expected = 401 if actor == "anonymous" else (200 if actor in self.visible else 404)
        assert response.status_code == expected, (actor, response.content)

    @pytest.mark.parametrize("actor", ACTORS)
    def test_create(self, actor):
        world, _obj = self.setup_world()
        payload = {} if self.create is NOT_SUPPORTED else self.create_payload(world)
        response = client_for(world.actor(actor)).post(
            self.collection_url(world), payload, format="json"
        )
        expected = self.expected(actor, self.create, detail=False)
        assert response.status_code == expected, (actor, response.content)

    @pytest.mark.parametrize("actor", ACTORS)
    def test_update(self, actor):
        world, obj = self.setup_world()
        payload = {} if self.update is NOT_SUPPORTED else self.update_payload(world, obj)
        client = client_for(world.actor(actor))
        response = client.patch(self.detail_url(obj), payload, format="json")
        assert response.status_code == self.expected(actor, self.update), (actor, response.content)

    @pytest.mark.parametrize("actor", ACTORS)
    def test_delete(self, actor):
        world, obj = self.setup_world()
        response = client_for(world.actor(actor)).delete(self.detail_url(obj))
        assert response.status_code == self.expected(actor, self.delete), (actor, response.content)
        if response.status_code != 204:
            assert type(obj)._default_manager.filter(pk=obj.pk).exists()

    @pytest.mark.parametrize("actor", ACTORS)
    def test_transition(self, actor):
        if self.transition is NOT_SUPPORTED:
            pytest.skip("this endpoint has no workflow")
        target, table = self.transition
        world, obj = self.setup_world()
        response = client_for(world.actor(actor)).post(
            self.detail_url(obj) + "transition/",
            {"to": target, "reason": "matrix", **self.transition_extra},
        )
        assert response.status_code == self.expected(actor, table), (actor, response.content)
        obj.refresh_from_db()
        assert (obj.status == target) == (response.status_code == 200)
