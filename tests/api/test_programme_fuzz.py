"""Garbage in, never a 500 out, on every write endpoint of the audit programme; and a
refused write leaves the programme as it was."""

import pytest

from audits.choices import EngagementStatus
from programme.choices import ProcedureStatus as P
from programme.models import Procedure, ReviewNote
from tests.api.test_spine_fuzz import GARBAGE, ODD_IDS, WHOLE_BODIES, send
from tests.conftest import client_for
from tests.programme_setup import make_note, make_procedure, make_template
from tests.world import build_world

pytestmark = pytest.mark.django_db


def programme_writes(world):
    procedure = make_procedure(world, P.IN_PROGRESS)
    done = make_procedure(world, P.DONE)
    note = make_note(world, procedure)
    template = make_template()
    body = {
        "engagement": world.engagement.pk,
        "objective": "o",
        "criteria": "c",
        "method": "inspection",
        "location": "l",
        "assignees": [world.users["team_cso"].pk],
        "due_date": "2026-06-01",
        "estimated_hours": "2.0",
        "change_reason": "r",
        "status": "reviewed",
    }
    work = {"observations": "seen", "evidence": [], "findings": []}
    template_body = {
        "name": "Fuzz",
        "kind": "other",
        "description": "d",
        "is_active": True,
        "procedures": [{"number": 1, "objective": "o", "method": "survey"}],
    }
    return [
        ("team_leader", "post", "/api/v1/procedures/", body),
        ("team_leader", "patch", f"/api/v1/procedures/{procedure.pk}/", {**body, **work}),
        ("team_leader", "put", f"/api/v1/procedures/{procedure.pk}/", body),
        ("team_cso", "post", f"/api/v1/procedures/{procedure.pk}/transition/", {"to": "done"}),
        ("team_leader", "post", "/api/v1/review-notes/", {"procedure": done.pk, "body": "b"}),
        ("team_cso", "post", f"/api/v1/review-notes/{note.pk}/answer/", {"response": "r"}),
        ("sai_admin", "post", "/api/v1/programme-templates/", template_body),
        ("sai_admin", "patch", f"/api/v1/programme-templates/{template.pk}/", template_body),
        (
            "team_leader",
            "post",
            f"/api/v1/programme-templates/{template.pk}/apply/",
            {"engagement": world.engagement.pk},
        ),
    ]


@pytest.mark.parametrize("index", range(9))
def test_garbage_in_every_field_is_never_a_500(index):
    world = build_world(status=EngagementStatus.FIELDWORK)
    actor, method, path, valid = programme_writes(world)[index]
    client = client_for(world.actor(actor))
    for field in valid:
        for value in GARBAGE:
            response = send(client, method, path, {**valid, field: value})
            assert response.status_code < 500, (method, path, field, repr(value)[:80])
    for raw in [*WHOLE_BODIES, *GARBAGE[:5]]:
        response = send(client, method, path, raw)
        assert response.status_code < 500, (method, path, repr(raw)[:40])


@pytest.mark.parametrize(
    "template",
    [
        "/api/v1/procedures/{id}/",
        "/api/v1/procedures/{id}/history/",
        "/api/v1/review-notes/{id}/",
        "/api/v1/programme-templates/{id}/",
    ],
)
def test_odd_ids_are_404_never_500(template):
    world = build_world()
    client = client_for(world.users["sai_admin"])
    for odd in ODD_IDS:
        for method in ("get", "patch", "put", "delete"):
            response = getattr(client, method)(template.format(id=odd), {"x": 1}, format="json")
            assert response.status_code in (404, 405), (method, odd, response.status_code)


def test_garbage_filters_are_never_500():
    world = build_world()
    client = client_for(world.users["team_leader"])
    for params in (
        {"status": ["open", "bogus"], "assignee": "abc", "finding": "1.5", "ordering": "zz"},
        {"due_before": "2026-02-30", "evidence": "10000000000000000000000", "method": "\x00"},
    ):
        assert client.get("/api/v1/procedures/", params).status_code < 500
    assert client.get("/api/v1/review-notes/", {"answered": "maybe"}).status_code < 500


def test_refused_garbage_changes_nothing():
    world = build_world(status=EngagementStatus.FIELDWORK)
    procedure = make_procedure(world, P.IN_PROGRESS)
    client = client_for(world.users["team_leader"])
    before = Procedure.history.count(), ReviewNote.objects.count()
    for value in GARBAGE:
        if value in (None, [], ""):
            continue  # clearing the assignees or the due date is a real change
        for field in ("assignees", "due_date"):
            response = send(client, "patch", f"/api/v1/procedures/{procedure.pk}/", {field: value})
            assert response.status_code == 400, (field, value, response.content)
    assert (Procedure.history.count(), ReviewNote.objects.count()) == before
