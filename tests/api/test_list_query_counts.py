"""A list costs the same number of queries for 2 rows as for 50 (measured, then asserted)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.choices import EngagementStatus, Role, TeamRole
from audits.models import User
from tests.conftest import client_for
from tests.factories import (
    AgencyFactory,
    CsoFactory,
    EngagementFactory,
    MemberFactory,
    UserFactory,
)
from tests.world import build_world

pytestmark = pytest.mark.django_db


def get_as(user, path):
    """A fresh user object each time, so nothing cached on it hides a query."""
    response = client_for(User.objects.get(pk=user.pk)).get(path, {"page_size": 200})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def assert_flat(django_assert_num_queries, user, path, grow, rows_before, rows_after):
    with CaptureQueriesContext(connection) as measured:
        assert len(get_as(user, path)) == rows_before
    count = len(measured.captured_queries)  # now: the query log is a bounded deque
    grow()
    with django_assert_num_queries(count):
        assert len(get_as(user, path)) == rows_after


@pytest.mark.parametrize(
    "actor", ["sai_admin", "supervisor", "team_leader", "agency_respondent", "oversight"]
)
def test_engagement_list(django_assert_num_queries, actor):
    world = build_world(status=EngagementStatus.REPORTING)
    # the world's engagement is one the actor sees; the team leader is on every new one
    before = len(get_as(world.users[actor], "/api/v1/engagements/"))

    def grow():
        for _ in range(48):
            engagement = EngagementFactory(
                sai=world.sai, auditee=world.agency, status=EngagementStatus.FOLLOW_UP
            )
            MemberFactory(
                engagement=engagement, user=world.users["team_leader"], role=TeamRole.TEAM_LEADER
            )

    assert_flat(
        django_assert_num_queries,
        world.users[actor],
        "/api/v1/engagements/",
        grow,
        before,
        before + 48,
    )


def test_organization_list(django_assert_num_queries):
    world = build_world()
    before = len(get_as(world.users["oversight"], "/api/v1/organizations/"))

    def grow():
        parent = AgencyFactory()
        for _ in range(24):
            AgencyFactory(parent=parent)
        for _ in range(23):
            CsoFactory()

    assert_flat(
        django_assert_num_queries,
        world.users["oversight"],
        "/api/v1/organizations/",
        grow,
        before,
        before + 48,
    )


@pytest.mark.parametrize("actor", ["sai_admin", "team_auditor", "agency_respondent"])
def test_user_list(django_assert_num_queries, actor):
    world = build_world()
    user = world.users[actor]
    before = len(get_as(user, "/api/v1/users/"))

    def grow():
        for _ in range(48):
            UserFactory(role=Role.AGENCY_RESPONDENT, organization=world.agency)

    assert_flat(django_assert_num_queries, user, "/api/v1/users/", grow, before, before + 48)


@pytest.mark.parametrize("actor", ["supervisor", "team_cso", "agency_respondent"])
def test_member_list(django_assert_num_queries, actor):
    world = build_world()
    path = f"/api/v1/engagements/{world.engagement.pk}/members/"

    def grow():
        for _ in range(46):
            MemberFactory(
                engagement=world.engagement,
                user=UserFactory(role=Role.AUDITOR, organization=world.sai),
                role=TeamRole.AUDITOR,
            )

    assert_flat(django_assert_num_queries, world.users[actor], path, grow, 4, 50)


def test_engagement_history_with_many_team_changes(django_assert_num_queries):
    world = build_world()
    supervisor = world.users["supervisor"]
    path = f"/api/v1/engagements/{world.engagement.pk}/history/"

    def history():
        response = client_for(User.objects.get(pk=supervisor.pk)).get(path)
        assert response.status_code == 200
        return response.json()

    with CaptureQueriesContext(connection) as measured:
        before = len(history())
    count = len(measured.captured_queries)
    for _ in range(20):
        newcomer = UserFactory(role=Role.AUDITOR, organization=world.sai)
        added = client_for(supervisor).post(
            f"/api/v1/engagements/{world.engagement.pk}/members/",
            {"user": newcomer.pk, "role": "auditor"},
        )
        client_for(supervisor).delete(
            f"/api/v1/engagements/{world.engagement.pk}/members/{added.json()['id']}/"
        )
    with django_assert_num_queries(count):
        assert len(history()) == before + 40


@pytest.mark.parametrize("actor", ["agency_respondent", "oversight"])
def test_a_reader_of_the_published_file_reads_each_visibility_list_once(actor):
    """The ids a rule reads first (an agency's engagements, the engagements a reader may
    read in full) are read once per request, although the list, its count and a filter
    naming an engagement all apply the rule."""
    world = build_world(status=EngagementStatus.FOLLOW_UP)
    client = client_for(User.objects.get(pk=world.users[actor].pk))
    path = f"/api/v1/findings/?engagement={world.engagement.pk}&status=issued"
    with CaptureQueriesContext(connection) as measured:
        assert client.get(path).status_code == 200
    memberships = [
        query["sql"]
        for query in measured.captured_queries
        if query["sql"].lstrip("(").startswith('SELECT "audits_engagementmember"')
    ]
    assert len(memberships) == len(set(memberships)) >= 1
