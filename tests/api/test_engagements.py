"""Engagements through the API: the lifecycle, the bad inputs the spine must refuse with
nothing saved, concurrency (ETag / If-Match), pagination, history of the team."""

import datetime

import pytest
from rest_framework.test import APIClient

from audits.choices import EngagementStatus, Role, TeamRole
from audits.models import Engagement, EngagementMember, User
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    CsoFactory,
    EngagementFactory,
    MemberFactory,
    UserFactory,
)
from tests.world import build_world

pytestmark = pytest.mark.django_db

E = EngagementStatus


def url(engagement, suffix=""):
    return f"/api/v1/engagements/{engagement.pk}/{suffix}"


def move(world, actor, to, reason=""):
    return client_for(world.users[actor]).post(
        url(world.engagement, "transition/"), {"to": to, "reason": reason}
    )


def status_of(engagement):
    return Engagement.objects.get(pk=engagement.pk).status


# --- lifecycle ---------------------------------------------------------------------------


def test_team_leader_walks_the_whole_lifecycle():
    world = build_world(status=E.PLANNING)
    for target in [E.FIELDWORK, E.REPORTING, E.FIELDWORK, E.REPORTING, E.FOLLOW_UP, E.CLOSED]:
        response = move(world, "team_leader", target, reason="new evidence came in")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == target
        assert response.headers["ETag"]
    assert status_of(world.engagement) == E.CLOSED


def test_supervisor_may_move_an_engagement_of_their_sai():
    world = build_world(status=E.FIELDWORK)
    assert move(world, "supervisor", E.REPORTING).status_code == 200
    assert status_of(world.engagement) == E.REPORTING


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (E.PLANNING, E.REPORTING),
        (E.PLANNING, E.CLOSED),
        (E.FIELDWORK, E.PLANNING),
        (E.FIELDWORK, E.FOLLOW_UP),
        (E.FOLLOW_UP, E.REPORTING),
        (E.CLOSED, E.PLANNING),
        (E.CLOSED, E.FIELDWORK),
        (E.FIELDWORK, E.FIELDWORK),
        (E.FIELDWORK, "bogus"),
    ],
)
def test_a_move_not_in_the_table_is_409_and_changes_nothing(start, target):
    world = build_world(status=start)
    response = move(world, "team_leader", target, reason="try")
    assert response.status_code == 409, response.json()
    assert "detail" in response.json()
    assert status_of(world.engagement) == start
    assert world.engagement.history.count() == 1


@pytest.mark.parametrize(
    "actor", ["sai_admin", "team_auditor", "team_cso", "granted_expert", "agency_respondent"]
)
def test_a_role_that_may_not_move_gets_403(actor):
    world = build_world(status=E.FIELDWORK)
    response = move(world, actor, E.REPORTING)
    assert response.status_code == 403, response.json()
    assert status_of(world.engagement) == E.FIELDWORK


@pytest.mark.parametrize("actor", ["outsider_auditor", "lapsed_cso", "other_agency_respondent"])
def test_who_cannot_see_the_engagement_gets_404_on_transition(actor):
    world = build_world(status=E.FIELDWORK)
    assert move(world, actor, E.REPORTING).status_code == 404
    assert status_of(world.engagement) == E.FIELDWORK


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_fieldwork_needs_a_reason(reason):
    world = build_world(status=E.REPORTING)
    response = move(world, "team_leader", E.FIELDWORK, reason=reason)
    assert response.status_code == 400
    assert "reason" in response.json()
    assert status_of(world.engagement) == E.REPORTING


def test_reopening_with_a_reason_keeps_it_in_history():
    world = build_world(status=E.REPORTING)
    response = move(world, "team_leader", E.FIELDWORK, reason="Contractor found new invoices")
    assert response.status_code == 200
    history = client_for(world.users["team_leader"]).get(url(world.engagement, "history/"))
    latest = history.json()[0]
    assert latest["change_reason"] == "Contractor found new invoices"
    assert latest["changes"] == [{"field": "status", "old": "reporting", "new": "fieldwork"}]
    assert latest["user"] == world.users["team_leader"].pk


@pytest.mark.parametrize("body", [{}, {"to": ""}, {"to": None}, {"to": ["fieldwork"]}])
def test_a_malformed_transition_is_400(body):
    world = build_world(status=E.PLANNING)
    response = client_for(world.users["team_leader"]).post(
        url(world.engagement, "transition/"), body, format="json"
    )
    assert response.status_code == 400
    assert status_of(world.engagement) == E.PLANNING


# --- bad input: each a clear 400 (or 409) with nothing saved ---------------------------------


def engagement_payload(world, **overrides):
    return {
        "reference": "CPA-2026-NEW",
        "title": "Barangay health station",
        "auditee": world.agency.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        **overrides,
    }


def test_a_cso_auditor_cannot_be_created_in_an_agency():
    world = build_world()
    before = User.objects.count()
    response = client_for(world.users["sai_admin"]).post(
        "/api/v1/users/",
        {
            "username": "misplaced",
            "password": "a-long-enough-passphrase-42",
            "role": Role.CSO_AUDITOR,
            "organization": world.agency.pk,
        },
    )
    assert response.status_code == 400
    assert "role" in response.json()
    assert "cso" in response.json()["role"][0].lower() or "kind" in response.json()["role"][0]
    assert User.objects.count() == before


def test_a_user_with_a_role_needs_an_organisation():
    world = build_world()
    before = User.objects.count()
    response = client_for(world.users["sai_admin"]).post(
        "/api/v1/users/", {"username": "nobody", "role": Role.AUDITOR}
    )
    assert response.status_code == 400
    assert "organization" in response.json()
    assert User.objects.count() == before


def test_moving_a_user_into_an_organisation_of_the_wrong_kind_is_refused():
    world = build_world()
    cso_auditor = world.users["team_cso"]
    response = client_for(world.users["sai_admin"]).patch(
        f"/api/v1/users/{cso_auditor.pk}/", {"organization": world.agency.pk}
    )
    assert response.status_code == 400
    cso_auditor.refresh_from_db()
    assert cso_auditor.organization_id == world.cso.pk


def test_a_weak_password_is_refused_and_never_echoed():
    world = build_world()
    response = client_for(world.users["sai_admin"]).post(
        "/api/v1/users/",
        {
            "username": "weak",
            "password": "123",
            "role": Role.OVERSIGHT,
            "organization": world.sai.pk,
        },
    )
    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.filter(username="weak").exists()


def test_the_same_person_cannot_join_a_team_twice():
    world = build_world()
    before = EngagementMember.objects.count()
    response = client_for(world.users["team_leader"]).post(
        url(world.engagement, "members/"),
        {"user": world.users["team_auditor"].pk, "role": TeamRole.AUDITOR},
    )
    assert response.status_code == 400
    assert "user" in response.json()
    assert EngagementMember.objects.count() == before


@pytest.mark.parametrize(
    ("who", "team_role", "field"),
    [
        ("team_cso_newcomer", TeamRole.TEAM_LEADER, "role"),
        ("agency", TeamRole.AUDITOR, "role"),
        ("lapsed", TeamRole.CSO_AUDITOR, "user"),
    ],
)
def test_a_person_who_does_not_fit_the_team_role_is_refused(who, team_role, field):
    world = build_world()
    user = {
        "team_cso_newcomer": lambda: UserFactory(role=Role.CSO_AUDITOR, organization=world.cso),
        "agency": lambda: world.users["other_agency_respondent"],
        "lapsed": lambda: UserFactory(
            role=Role.CSO_AUDITOR,
            organization=CsoFactory(accredited_until=datetime.date(2020, 1, 1)),
        ),
    }[who]()
    before = EngagementMember.objects.count()
    response = client_for(world.users["supervisor"]).post(
        url(world.engagement, "members/"), {"user": user.pk, "role": team_role}
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert EngagementMember.objects.count() == before


def test_an_unknown_user_or_role_on_the_team_is_400():
    world = build_world()
    client = client_for(world.users["team_leader"])
    assert (
        client.post(
            url(world.engagement, "members/"), {"user": 987654, "role": "auditor"}
        ).status_code
        == 400
    )
    response = client.post(
        url(world.engagement, "members/"),
        {"user": UserFactory(role=Role.AUDITOR, organization=world.sai).pk, "role": "chief"},
    )
    assert response.status_code == 400
    assert "role" in response.json()


def test_a_period_that_ends_before_it_starts_is_refused():
    world = build_world()
    before = Engagement.objects.count()
    client = client_for(world.users["team_leader"])
    response = client.post(
        "/api/v1/engagements/",
        engagement_payload(world, period_start="2026-06-30", period_end="2026-01-01"),
    )
    assert response.status_code == 400
    assert "period_end" in response.json()
    assert Engagement.objects.count() == before
    response = client.patch(url(world.engagement), {"period_end": "2020-01-01"})
    assert response.status_code == 400
    assert "period_end" in response.json()
    assert Engagement.objects.get(pk=world.engagement.pk).period_end == world.engagement.period_end


@pytest.mark.parametrize("auditee", [987654, "not-a-number", None, "cso"])
def test_an_unknown_auditee_is_refused(auditee):
    world = build_world()
    if auditee == "cso":
        auditee = world.cso.pk  # an organisation, but not an agency
    before = Engagement.objects.count()
    response = client_for(world.users["team_leader"]).post(
        "/api/v1/engagements/", engagement_payload(world, auditee=auditee), format="json"
    )
    assert response.status_code == 400
    assert "auditee" in response.json()
    assert Engagement.objects.count() == before
    assert EngagementMember.objects.count() == 6


def test_a_duplicate_engagement_reference_is_refused():
    world = build_world()
    taken = world.other_engagement.reference
    client = client_for(world.users["team_leader"])
    before = Engagement.objects.count()
    response = client.post("/api/v1/engagements/", engagement_payload(world, reference=taken))
    assert response.status_code == 400
    assert "reference" in response.json()
    assert Engagement.objects.count() == before
    response = client.patch(url(world.engagement), {"reference": taken})
    assert response.status_code == 400
    assert "reference" in response.json()
    assert Engagement.objects.get(pk=world.engagement.pk).reference != taken


def test_an_engagement_cannot_follow_up_itself():
    world = build_world()
    response = client_for(world.users["team_leader"]).patch(
        url(world.engagement), {"follow_up_of": world.engagement.pk}
    )
    assert response.status_code == 400
    assert "follow_up_of" in response.json()


def test_follow_up_of_an_engagement_the_caller_cannot_see_is_unknown():
    world = build_world()
    response = client_for(world.users["team_auditor"]).post(
        "/api/v1/engagements/",
        engagement_payload(world, follow_up_of=world.other_engagement.pk),
    )
    assert response.status_code == 400
    assert "follow_up_of" in response.json()


def test_the_last_team_leader_cannot_be_removed():
    world = build_world()
    leader = world.engagement.members.get(role=TeamRole.TEAM_LEADER)
    response = client_for(world.users["supervisor"]).delete(
        url(world.engagement, f"members/{leader.pk}/")
    )
    assert response.status_code == 409
    assert "detail" in response.json()
    assert EngagementMember.objects.filter(pk=leader.pk).exists()


def test_a_team_leader_may_go_once_another_leads():
    world = build_world()
    supervisor = client_for(world.users["supervisor"])
    added = supervisor.post(
        url(world.engagement, "members/"),
        {"user": world.users["outsider_auditor"].pk, "role": TeamRole.TEAM_LEADER},
    )
    assert added.status_code == 201, added.json()
    leader = world.engagement.members.get(user=world.users["team_leader"])
    assert supervisor.delete(url(world.engagement, f"members/{leader.pk}/")).status_code == 204
    assert not EngagementMember.objects.filter(pk=leader.pk).exists()


def test_a_member_of_another_engagement_is_404_here():
    world = build_world()
    elsewhere = world.other_engagement.members.first()
    response = client_for(world.users["supervisor"]).delete(
        url(world.engagement, f"members/{elsewhere.pk}/")
    )
    assert response.status_code == 404
    assert EngagementMember.objects.filter(pk=elsewhere.pk).exists()


def test_a_closed_engagement_refuses_edits_and_team_changes():
    world = build_world(status=E.CLOSED)
    client = client_for(world.users["team_leader"])
    assert client.patch(url(world.engagement), {"title": "Late"}).status_code == 409
    response = client.post(
        url(world.engagement, "members/"),
        {"user": world.users["outsider_auditor"].pk, "role": TeamRole.AUDITOR},
    )
    assert response.status_code == 409
    assert Engagement.objects.get(pk=world.engagement.pk).title == world.engagement.title


# --- who sees what ---------------------------------------------------------------------------


def test_a_lapsed_cso_auditor_sees_no_engagement_and_is_told_why():
    world = build_world()
    client = client_for(world.users["lapsed_cso"])
    assert client.get("/api/v1/engagements/").json()["results"] == []
    assert client.get(url(world.engagement)).status_code == 404
    assert client.get(url(world.engagement, "members/")).status_code == 404
    me = client.get("/api/v1/users/me/").json()
    assert me["accreditation_lapsed"] is True
    assert "Lapsed Watch" in me["notice"]


def test_renewing_the_accreditation_restores_access():
    world = build_world()
    lapsed = world.users["lapsed_cso"]
    renewed = client_for(world.users["sai_admin"]).patch(
        f"/api/v1/organizations/{lapsed.organization_id}/",
        {"accredited_until": str(datetime.date.today() + datetime.timedelta(days=30))},
    )
    assert renewed.status_code == 200, renewed.json()
    client = client_for(User.objects.get(pk=lapsed.pk))
    assert client.get(url(world.engagement)).status_code == 200
    assert client.get("/api/v1/users/me/").json()["notice"] is None


def test_a_guardian_grant_gives_read_access_but_no_write():
    world = build_world()
    expert = client_for(world.users["granted_expert"])
    assert expert.get(url(world.engagement)).status_code == 200
    assert expert.get(url(world.engagement, "history/")).status_code == 200
    assert expert.get(url(world.engagement, "members/")).status_code == 200
    ids = [row["id"] for row in expert.get("/api/v1/engagements/").json()["results"]]
    assert ids == [world.engagement.pk]
    assert expert.patch(url(world.engagement), {"title": "Mine now"}).status_code == 403
    assert expert.post(url(world.engagement, "transition/"), {"to": "reporting"}).status_code == 403
    added = expert.post(
        url(world.engagement, "members/"),
        {"user": world.users["granted_expert"].pk, "role": TeamRole.AUDITOR},
    )
    assert added.status_code == 403
    member = world.engagement.members.get(user=world.users["team_auditor"])
    assert expert.delete(url(world.engagement, f"members/{member.pk}/")).status_code == 403
    engagement = Engagement.objects.get(pk=world.engagement.pk)
    assert (engagement.title, engagement.status) == (world.engagement.title, E.FIELDWORK)
    assert engagement.members.count() == 4


def test_an_agency_respondent_sees_the_engagement_only_from_fieldwork():
    world = build_world(status=E.PLANNING)
    client = client_for(world.users["agency_respondent"])
    assert client.get(url(world.engagement)).status_code == 404
    move(world, "team_leader", E.FIELDWORK)
    assert client.get(url(world.engagement)).status_code == 200


# --- history of the team ---------------------------------------------------------------------


def test_history_lists_team_changes_as_entries_on_team():
    world = build_world()
    supervisor = client_for(world.users["supervisor"])
    newcomer = world.users["outsider_auditor"]
    added = supervisor.post(
        url(world.engagement, "members/"), {"user": newcomer.pk, "role": TeamRole.AUDITOR}
    )
    assert added.status_code == 201
    assert (
        supervisor.delete(url(world.engagement, f"members/{added.json()['id']}/")).status_code
        == 204
    )

    history = supervisor.get(url(world.engagement, "history/")).json()
    removed_entry, added_entry = history[0], history[1]
    assert removed_entry["changes"] == [
        {"field": "team", "old": {"user": newcomer.pk, "role": "auditor"}, "new": None}
    ]
    assert removed_entry["user"] == world.users["supervisor"].pk
    assert added_entry["changes"] == [
        {"field": "team", "old": None, "new": {"user": newcomer.pk, "role": "auditor"}}
    ]
    versions = [entry["version"] for entry in history]
    assert versions == sorted(versions, reverse=True) and versions[-1] == 1
    assert len(set(versions)) == len(versions)


def test_a_new_engagement_history_starts_with_its_creation_then_the_leader():
    world = build_world()
    leader = world.users["team_leader"]
    created = client_for(leader).post("/api/v1/engagements/", engagement_payload(world))
    history = client_for(leader).get(f"/api/v1/engagements/{created.json()['id']}/history/").json()
    assert [entry["version"] for entry in history] == [2, 1]
    assert history[1]["history_type"] == "+"
    assert {"field": "reference", "old": None, "new": "CPA-2026-NEW"} in history[1]["changes"]
    assert history[0]["changes"] == [
        {"field": "team", "old": None, "new": {"user": leader.pk, "role": "team_leader"}}
    ]


def test_history_cannot_be_written():
    world = build_world()
    client = client_for(world.users["sai_admin"])
    for verb in ("post", "put", "patch", "delete"):
        assert getattr(client, verb)(url(world.engagement, "history/")).status_code == 405


# --- pagination ----------------------------------------------------------------------------


@pytest.fixture
def many_engagements():
    world = build_world()
    for _ in range(4):
        engagement = EngagementFactory(sai=world.sai, auditee=world.agency)
        MemberFactory(
            engagement=engagement, user=world.users["team_leader"], role=TeamRole.TEAM_LEADER
        )
    return world


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "0"},
        {"page_size": "-1"},
        {"page_size": "abc"},
        {"page_size": "10000000000000000000000"},
        {"page_size": "1e3"},
        {"page_size": ""},
        {"page": "999"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "10000000000000000000000"},
        {"page": "last"},
        {"ordering": "password"},
        {"ordering": "-reference,nonsense"},
        {"status": "bogus"},
        {"auditee": "abc"},
        {"auditee": "10000000000000000000000"},
        {"sai": "-5"},
    ],
)
@pytest.mark.parametrize(
    "endpoint", ["engagements", "organizations", "users", "engagements/{id}/members"]
)
def test_odd_list_parameters_never_fail(many_engagements, params, endpoint):
    world = many_engagements
    path = "/api/v1/" + endpoint.format(id=world.engagement.pk) + "/"
    response = client_for(world.users["supervisor"]).get(path, params)
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code == 200:
        assert isinstance(response.json()["results"], list)


def test_page_size_above_200_is_clamped_to_200():
    world = build_world()
    for index in range(203):
        UserFactory(
            username=f"bulk{index:03d}", role=Role.AGENCY_RESPONDENT, organization=world.agency
        )
    response = client_for(world.users["sai_admin"]).get("/api/v1/users/", {"page_size": 10_000})
    body = response.json()
    assert len(body["results"]) == 200
    assert body["count"] == User.objects.count()
    assert body["next"] is not None


def test_page_size_is_honoured_and_next_walks_the_rest(many_engagements):
    world = many_engagements
    client = client_for(world.users["supervisor"])
    first = client.get("/api/v1/engagements/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["count"] == 6
    seen = [row["id"] for row in first["results"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url).json()
        seen += [row["id"] for row in page["results"]]
        next_url = page["next"]
    assert sorted(seen) == sorted(Engagement.objects.values_list("pk", flat=True))


# --- concurrency and read-only fields ----------------------------------------------------------


def test_etag_and_if_match():
    world = build_world()
    client = client_for(world.users["team_leader"])
    read = client.get(url(world.engagement))
    etag = read.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')

    changed = client.patch(url(world.engagement), {"title": "Renamed"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.json()
    assert changed.headers["ETag"] != etag
    assert changed.headers["ETag"] == client.get(url(world.engagement)).headers["ETag"]

    stale = client.patch(url(world.engagement), {"title": "Lost update"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "detail" in stale.json()
    assert Engagement.objects.get(pk=world.engagement.pk).title == "Renamed"
    assert world.engagement.history.count() == 2

    whole = {**client.get(url(world.engagement)).json(), "title": "Put"}
    whole.pop("follow_up_of")
    assert client.put(url(world.engagement), whole, HTTP_IF_MATCH=etag).status_code == 412
    assert client.put(url(world.engagement), whole, HTTP_IF_MATCH="*").status_code == 200


def test_if_match_on_users_and_organisations():
    world = build_world()
    admin = client_for(world.users["sai_admin"])
    for path, field in [
        (f"/api/v1/users/{world.users['team_cso'].pk}/", "full_name"),
        (f"/api/v1/organizations/{world.cso.pk}/", "name"),
    ]:
        etag = admin.get(path).headers["ETag"]
        assert admin.patch(path, {field: "One"}, HTTP_IF_MATCH=etag).status_code == 200
        assert admin.patch(path, {field: "Two"}, HTTP_IF_MATCH=etag).status_code == 412
        assert admin.get(path).json()[field] == "One"


def test_status_in_a_patch_is_ignored():
    world = build_world(status=E.PLANNING)
    response = client_for(world.users["team_leader"]).patch(
        url(world.engagement), {"status": "closed", "title": "Renamed", "sai": world.cso.pk}
    )
    assert response.status_code == 200
    engagement = Engagement.objects.get(pk=world.engagement.pk)
    assert (engagement.status, engagement.title, engagement.sai_id) == (
        E.PLANNING,
        "Renamed",
        world.sai.pk,
    )


def test_created_engagement_belongs_to_the_creator_sai_and_team():
    world = build_world()
    auditor = world.users["team_auditor"]
    response = client_for(auditor).post(
        "/api/v1/engagements/",
        engagement_payload(world, status="closed", amount_audited="1250000.00"),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planning"
    assert body["amount_audited"] == "1250000.00"
    engagement = Engagement.objects.get(pk=body["id"])
    assert engagement.sai_id == world.sai.pk
    assert list(engagement.members.values_list("user_id", "role")) == [
        (auditor.pk, TeamRole.TEAM_LEADER)
    ]


def test_token_login():
    world = build_world()
    client = client_for(None)
    assert (
        client.post("/api/v1/auth/token/", {"username": "supervisor", "password": "x"}).status_code
        == 400
    )
    token = client.post(
        "/api/v1/auth/token/", {"username": "supervisor", "password": PASSWORD}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/users/me/").json()["id"] == world.users["supervisor"].pk
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/users/me/").status_code == 401


def test_a_browser_session_works_with_csrf_and_not_without():
    world = build_world()
    browser = APIClient(enforce_csrf_checks=True)
    assert browser.login(username="team_leader", password=PASSWORD)
    assert browser.get("/api/v1/users/me/").json()["username"] == "team_leader"
    refused = browser.post("/api/v1/engagements/", engagement_payload(world))
    assert refused.status_code == 403
    assert not Engagement.objects.filter(reference="CPA-2026-NEW").exists()
    browser.get("/accounts/login/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/engagements/", engagement_payload(world), HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201, accepted.content


def test_organisation_kind_cannot_change_under_its_users():
    world = build_world()
    response = client_for(world.users["sai_admin"]).patch(
        f"/api/v1/organizations/{world.agency.pk}/", {"kind": "cso"}
    )
    assert response.status_code == 400
    assert "kind" in response.json()
    world.agency.refresh_from_db()
    assert world.agency.kind == "agency"


def test_an_organisation_cannot_be_its_own_ancestor():
    world = build_world()
    department = world.agency.parent
    response = client_for(world.users["sai_admin"]).patch(
        f"/api/v1/organizations/{department.pk}/", {"parent": world.agency.pk}
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    department.refresh_from_db()
    assert department.parent_id is None


def test_an_organisation_sits_under_one_of_its_own_kind():
    world = build_world()
    response = client_for(world.users["sai_admin"]).post(
        "/api/v1/organizations/", {"name": "Chapter", "kind": "cso", "parent": world.agency.pk}
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_only_csos_carry_accreditation():
    world = build_world()
    response = client_for(world.users["sai_admin"]).post(
        "/api/v1/organizations/",
        {"name": "Agency X", "kind": "agency", "accreditation_number": "CSO-1"},
    )
    assert response.status_code == 400
    assert not AgencyFactory._meta.model.objects.filter(name="Agency X").exists()
