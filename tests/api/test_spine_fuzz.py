"""Garbage in, never a 500 out: every field of every spine write endpoint gets wrong types,
huge strings, nested objects and nulls; every list and detail URL odd ids and parameters."""

import json

import pytest

from audits.choices import Role, TeamRole
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db


GARBAGE = [
    None,
    True,
    0,
    -1,
    1.5,
    10**30,
    -(10**30),
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "nul\x00in the middle",
    "💥" * 300,
    "NaN",
    "Infinity",
    "1e999",
    "2026-02-30",
    "99999-01-01",
    "0001-01-01",
    "<script>alert(1)</script>",
    "'; DROP TABLE audits_engagement; --",
    [],
    [1, 2, 3],
    [None],
    {},
    {"id": 1},
    {"nested": {"deeper": [1, {"deepest": None}]}},
]
WHOLE_BODIES = ["[]", "[1, 2]", '"text"', "42", "null", "{", '{"a": }', "\x00", "x" * 10_000]


def spine_writes(world):
    """(actor, method, path, a valid body) for every write endpoint of the spine."""
    engagement = f"/api/v1/engagements/{world.engagement.pk}/"
    member = world.engagement.members.get(user=world.users["team_auditor"])
    engagement_body = {
        "reference": "FUZZ-1",
        "title": "Fuzzed",
        "subject": "s",
        "auditee": world.agency.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-02-01",
        "amount_audited": "1.00",
        "location": "here",
        "objectives": "o",
        "criteria": "c",
        "scope_and_methodology": "m",
        "follow_up_of": None,
        "change_reason": "r",
        "status": "closed",
    }
    organization_body = {
        "name": "Fuzz org",
        "kind": "cso",
        "parent": None,
        "accreditation_number": "A-1",
        "accredited_until": "2030-01-01",
        "currency": "PHP",
        "reply_period_days": 15,
    }
    user_body = {
        "username": "fuzzed",
        "password": "a-long-enough-passphrase-42",
        "full_name": "F",
        "email": "f@example.org",
        "role": Role.AGENCY_RESPONDENT,
        "organization": world.agency.pk,
    }
    newcomer = UserFactory(role=Role.AUDITOR, organization=world.sai)
    return [
        ("anonymous", "post", "/api/v1/auth/token/", {"username": "supervisor", "password": "p"}),
        ("sai_admin", "post", "/api/v1/organizations/", organization_body),
        ("sai_admin", "patch", f"/api/v1/organizations/{world.cso.pk}/", organization_body),
        ("sai_admin", "put", f"/api/v1/organizations/{world.cso.pk}/", organization_body),
        ("sai_admin", "post", "/api/v1/users/", user_body),
        ("sai_admin", "patch", f"/api/v1/users/{world.users['oversight'].pk}/", user_body),
        ("sai_admin", "put", f"/api/v1/users/{world.users['oversight'].pk}/", user_body),
        ("team_leader", "post", "/api/v1/engagements/", engagement_body),
        ("team_leader", "patch", engagement, engagement_body),
        ("team_leader", "put", engagement, engagement_body),
        ("team_leader", "post", engagement + "transition/", {"to": "reporting", "reason": "r"}),
        ("team_leader", "post", engagement + "members/", {"user": newcomer.pk, "role": "auditor"}),
        ("team_leader", "delete", engagement + f"members/{member.pk}/", {"reason": "r"}),
    ]


def send(client, method, path, body):
    payload = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(path, data=payload, content_type="application/json")


@pytest.mark.parametrize("index", range(13))
def test_garbage_in_every_field_is_never_a_500(index):
    world = build_world()
    actor, method, path, valid = spine_writes(world)[index]
    client = client_for(world.actor(actor))
    for field in valid:
        for value in GARBAGE:
            response = send(client, method, path, {**valid, field: value})
            assert response.status_code < 500, (method, path, field, repr(value)[:80])
    for value in GARBAGE:
        response = send(client, method, path, value)
        assert response.status_code < 500, (method, path, repr(value)[:80])
    for raw in WHOLE_BODIES:
        response = send(client, method, path, raw)
        assert response.status_code < 500, (method, path, raw[:40])
    for content_type in ["text/plain", "application/xml", "multipart/form-data; boundary=x"]:
        response = getattr(client, method)(path, data="a=b", content_type=content_type)
        assert response.status_code < 500, (method, path, content_type)


ODD_IDS = ["abc", "-1", "0", "1.5", "10000000000000000000000", "%00", "1%20OR%201=1", "..", "1e3"]


@pytest.mark.parametrize(
    "template",
    [
        "/api/v1/organizations/{id}/",
        "/api/v1/users/{id}/",
        "/api/v1/engagements/{id}/",
        "/api/v1/engagements/{id}/history/",
        "/api/v1/engagements/{id}/members/",
        "/api/v1/engagements/{engagement}/members/{id}/",
    ],
)
def test_odd_ids_are_404_never_500(template):
    world = build_world()
    client = client_for(world.users["sai_admin"])
    for odd in ODD_IDS:
        path = template.format(id=odd, engagement=world.engagement.pk)
        for method in ("get", "patch", "put", "delete"):
            response = getattr(client, method)(path, {"title": "x"}, format="json")
            assert response.status_code in (404, 405), (method, path, response.status_code)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/organizations/", {"kind": "martian", "parent": "abc", "ordering": "zzz"}),
        ("/api/v1/organizations/", {"parent": "10000000000000000000000"}),
        ("/api/v1/users/", {"role": "emperor", "organization": "-1", "ordering": "password"}),
        ("/api/v1/users/", {"organization": "10000000000000000000000"}),
        ("/api/v1/engagements/", {"status": ["planning", "bogus"], "auditee": "1.5"}),
        ("/api/v1/engagements/", {"sai": "\x00", "page": "\x00", "page_size": "\x00"}),
        ("/api/v1/users/me/", {"page_size": "-1", "format": "xml"}),
        ("/api/v1/schema/", {"format": "nonsense", "lang": "xx"}),
    ],
)
def test_garbage_query_parameters_are_never_500(path, params):
    world = build_world()
    for actor in ("sai_admin", "team_cso", "oversight"):
        response = client_for(world.users[actor]).get(path, params)
        assert response.status_code < 500, (actor, path, params, response.status_code)


def test_a_member_role_of_every_kind_of_garbage_leaves_the_team_as_it_was():
    world = build_world()
    client = client_for(world.users["team_leader"])
    before = list(world.engagement.members.values_list("user_id", "role"))
    newcomer = UserFactory(role=Role.AUDITOR, organization=world.sai)
    for value in GARBAGE:
        if value == TeamRole.AUDITOR:
            continue
        send(
            client,
            "post",
            f"/api/v1/engagements/{world.engagement.pk}/members/",
            {"user": newcomer.pk, "role": value},
        )
    assert list(world.engagement.members.values_list("user_id", "role")) == before
