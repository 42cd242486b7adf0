"""The engagement pages: who sees what, which buttons, and what posting them does."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audits.choices import EngagementStatus, Role, TeamRole
from audits.models import Engagement, EngagementMember
from audits.workflows import ENGAGEMENT_WORKFLOW, available_moves
from tests.factories import AgencyFactory, EngagementFactory, MemberFactory, UserFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db

SEES_FIELDWORK_ENGAGEMENT = {
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "granted_expert",
    "agency_respondent",
    "parent_agency_respondent",
}
HIDDEN_FROM = {
    "lapsed_cso",
    "outsider_auditor",
    "outsider_cso",
    "other_agency_respondent",
    "oversight",  # sees engagements only from reporting on
}


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(engagement):
    return reverse("engagement-detail", args=[engagement.pk])


def move_buttons(response) -> set[str]:
    html = response.content.decode()
    return {target for (_source, target) in ENGAGEMENT_WORKFLOW if f'data-move="{target}"' in html}


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


@pytest.mark.parametrize("actor", sorted(SEES_FIELDWORK_ENGAGEMENT))
def test_people_who_may_see_the_engagement_get_its_page(world, actor):
    response = client_as(world.actor(actor)).get(detail_url(world.engagement))
    assert response.status_code == 200
    assert world.engagement.title in response.content.decode()


@pytest.mark.parametrize("actor", sorted(HIDDEN_FROM))
def test_people_who_may_not_see_the_engagement_get_404(world, actor):
    client = client_as(world.actor(actor))
    assert client.get(detail_url(world.engagement)).status_code == 404
    transition = reverse("engagement-transition", args=[world.engagement.pk])
    assert client.post(transition, {"to": "reporting"}).status_code == 404
    world.engagement.refresh_from_db()
    assert world.engagement.status == EngagementStatus.FIELDWORK


def test_anonymous_is_sent_to_the_login_page(world):
    response = Client().get(detail_url(world.engagement))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("actor", sorted(SEES_FIELDWORK_ENGAGEMENT))
def test_buttons_shown_are_exactly_the_moves_the_user_may_make(world, actor):
    user = world.actor(actor)
    response = client_as(user).get(detail_url(world.engagement))
    allowed = {
        target for target, _move in available_moves(ENGAGEMENT_WORKFLOW, world.engagement, user)
    }
    assert move_buttons(response) == allowed
    expected = {"reporting"} if actor in {"team_leader", "supervisor"} else set()
    assert allowed == expected


def test_a_move_that_needs_a_reason_has_a_reason_field(world):
    world.engagement.status = EngagementStatus.REPORTING
    world.engagement.save()
    html = client_as(world.actor("team_leader")).get(detail_url(world.engagement)).content.decode()
    assert 'data-move="fieldwork"' in html
    assert 'id="reason-fieldwork"' in html
    assert 'id="reason-follow_up"' not in html


def test_team_leader_moves_the_engagement_and_history_records_it(world):
    leader = world.actor("team_leader")
    url = reverse("engagement-transition", args=[world.engagement.pk])
    response = client_as(leader).post(url, {"to": "reporting"}, follow=True)
    assert response.status_code == 200
    world.engagement.refresh_from_db()
    assert world.engagement.status == EngagementStatus.REPORTING
    latest = world.engagement.history.latest()
    assert latest.history_user == leader
    assert "The engagement moved to Reporting." in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "to", "message"),
    [
        ("team_cso", "reporting", "Your role may not make this change of status."),
        ("agency_respondent", "reporting", "Your role may not make this change of status."),
        ("team_leader", "closed", "Cannot change status from fieldwork to closed."),
        ("team_leader", "no-such-state", "Cannot change status"),
    ],
)
def test_refused_moves_give_a_message_and_change_nothing(world, actor, to, message):
    url = reverse("engagement-transition", args=[world.engagement.pk])
    before = world.engagement.history.count()
    response = client_as(world.actor(actor)).post(url, {"to": to}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    world.engagement.refresh_from_db()
    assert world.engagement.status == EngagementStatus.FIELDWORK
    assert world.engagement.history.count() == before


def test_reopening_fieldwork_without_a_reason_is_refused_with_a_message(world):
    world.engagement.status = EngagementStatus.REPORTING
    world.engagement.save()
    url = reverse("engagement-transition", args=[world.engagement.pk])
    client = client_as(world.actor("team_leader"))
    response = client.post(url, {"to": "fieldwork", "reason": "  "}, follow=True)
    assert "A reason is required" in response.content.decode()
    world.engagement.refresh_from_db()
    assert world.engagement.status == EngagementStatus.REPORTING
    client.post(url, {"to": "fieldwork", "reason": "Contractor submitted new billings"})
    world.engagement.refresh_from_db()
    assert world.engagement.status == EngagementStatus.FIELDWORK
    assert world.engagement.history.latest().history_change_reason == (
        "Contractor submitted new billings"
    )


def test_get_on_a_write_url_is_not_allowed(world):
    url = reverse("engagement-transition", args=[world.engagement.pk])
    assert client_as(world.actor("team_leader")).get(url).status_code == 405


# --- team -------------------------------------------------------------------------------


def test_only_team_leader_and_supervisor_see_the_team_forms(world):
    for actor in ("team_leader", "supervisor"):
        html = client_as(world.actor(actor)).get(detail_url(world.engagement)).content.decode()
        assert 'id="member-add-form"' in html
    for actor in ("team_auditor", "team_cso", "agency_respondent", "sai_admin"):
        html = client_as(world.actor(actor)).get(detail_url(world.engagement)).content.decode()
        assert 'id="member-add-form"' not in html
        assert "engagement-member-remove" not in html and "/remove/" not in html


def test_team_leader_adds_and_removes_a_member(world):
    leader = world.actor("team_leader")
    newcomer = world.actor("outsider_auditor")
    client = client_as(leader)
    add_url = reverse("engagement-member-add", args=[world.engagement.pk])
    response = client.post(add_url, {"user": newcomer.pk, "role": TeamRole.AUDITOR}, follow=True)
    assert "joined the team" in response.content.decode()
    member = EngagementMember.objects.get(engagement=world.engagement, user=newcomer)
    assert member.history.latest().history_user == leader

    remove_url = reverse("engagement-member-remove", args=[world.engagement.pk, member.pk])
    response = client.post(remove_url, {"reason": "Reassigned", "confirmed": "1"}, follow=True)
    assert "left the team" in response.content.decode()
    assert not EngagementMember.objects.filter(pk=member.pk).exists()
    assert member.history.latest().history_type == "-"


def test_team_member_without_rights_cannot_add_and_gets_a_message(world):
    client = client_as(world.actor("team_auditor"))
    add_url = reverse("engagement-member-add", args=[world.engagement.pk])
    newcomer = world.actor("outsider_auditor")
    response = client.post(add_url, {"user": newcomer.pk, "role": TeamRole.AUDITOR}, follow=True)
    assert response.status_code == 200
    assert "Only the team leader or a supervisor manages the team." in response.content.decode()
    assert not EngagementMember.objects.filter(engagement=world.engagement, user=newcomer).exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"user": "not-a-number", "role": "auditor"}, "Select a valid choice"),
        ({"user": "", "role": "auditor"}, "This field is required"),
        ({"role": "auditor", "user": "AGENCY"}, "Select a valid choice"),
        ({"role": "cso_auditor", "user": "AUDITOR"}, "cannot be a cso_auditor"),
    ],
)
def test_bad_member_input_gives_a_message_not_an_error_page(world, post, message):
    stand_ins = {
        "AGENCY": world.actor("agency_respondent").pk,
        "AUDITOR": world.actor("outsider_auditor").pk,
    }
    post = {key: stand_ins.get(value, value) for key, value in post.items()}
    members_before = world.engagement.members.count()
    add_url = reverse("engagement-member-add", args=[world.engagement.pk])
    response = client_as(world.actor("team_leader")).post(add_url, post, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert world.engagement.members.count() == members_before


def test_the_last_team_leader_cannot_be_removed(world):
    leader = world.actor("team_leader")
    member = world.engagement.members.get(user=leader)
    url = reverse("engagement-member-remove", args=[world.engagement.pk, member.pk])
    response = client_as(leader).post(url, {"confirmed": "1"}, follow=True)
    assert "The last team leader cannot be removed" in response.content.decode()
    assert EngagementMember.objects.filter(pk=member.pk).exists()


def test_a_member_of_another_engagement_is_404(world):
    other_member = world.other_engagement.members.first()
    url = reverse("engagement-member-remove", args=[world.engagement.pk, other_member.pk])
    assert client_as(world.actor("supervisor")).post(url).status_code == 404
    assert EngagementMember.objects.filter(pk=other_member.pk).exists()


# --- creating ---------------------------------------------------------------------------


def engagement_post(agency, **overrides):
    return {
        "reference": "CPA-2026-900",
        "title": "Farm-to-market road, Arayat",
        "auditee": agency.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        **overrides,
    }


def test_an_auditor_creates_an_engagement_and_leads_it():
    auditor = UserFactory(role=Role.AUDITOR)
    agency = AgencyFactory()
    response = client_as(auditor).post(reverse("engagement-create"), engagement_post(agency))
    engagement = Engagement.objects.get(reference="CPA-2026-900")
    assert response.status_code == 302
    assert response["Location"] == detail_url(engagement)
    assert engagement.sai == auditor.organization
    assert engagement.members.get().role == TeamRole.TEAM_LEADER


def test_bad_engagement_input_shows_the_form_again():
    auditor = UserFactory(role=Role.AUDITOR)
    agency = AgencyFactory()
    EngagementFactory(reference="CPA-2026-900")
    post = engagement_post(agency, period_end="2025-01-01")
    response = client_as(auditor).post(reverse("engagement-create"), post)
    html = response.content.decode()
    assert response.status_code == 200
    assert "already exists" in html
    assert "The period cannot end before it starts." in html
    assert Engagement.objects.filter(title="Farm-to-market road, Arayat").count() == 0


@pytest.mark.parametrize(
    "role", [Role.CSO_AUDITOR, Role.AGENCY_RESPONDENT, Role.OVERSIGHT, Role.SAI_ADMIN]
)
def test_other_roles_may_not_open_the_new_engagement_page(role):
    user = UserFactory(role=role)
    assert client_as(user).get(reverse("engagement-create")).status_code == 403


# --- home -------------------------------------------------------------------------------


def test_home_lists_visible_engagements_with_status_and_own_team_role(world):
    html = client_as(world.actor("team_cso")).get(reverse("home")).content.decode()
    assert world.engagement.reference in html
    assert world.other_engagement.reference not in html
    assert "Fieldwork" in html
    assert "Citizen auditor" in html


def test_home_explains_a_lapsed_accreditation(world):
    lapsed = world.actor("lapsed_cso")
    html = client_as(lapsed).get(reverse("home")).content.decode()
    assert 'id="access-notice"' in html
    assert f"The accreditation of {lapsed.organization.name} lapsed on" in html
    assert world.engagement.reference not in html


def test_home_costs_the_same_queries_for_many_engagements(django_assert_max_num_queries):
    supervisor = UserFactory(role=Role.SUPERVISOR)
    client = client_as(supervisor)

    def add_engagements(count):
        for _ in range(count):
            engagement = EngagementFactory(sai=supervisor.organization)
            MemberFactory(engagement=engagement, user=supervisor, role=TeamRole.TEAM_LEADER)

    add_engagements(2)
    # The role panels (audits.selectors.home) add a fixed number of queries of their own.
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("home"))
    add_engagements(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home"))
    assert response.content.decode().count('class="row-link"') == 32


def test_engagement_page_query_count_does_not_grow_with_the_team(
    world, django_assert_max_num_queries
):
    client = client_as(world.actor("team_leader"))
    with django_assert_max_num_queries(20) as few:
        client.get(detail_url(world.engagement))
    for _ in range(10):
        MemberFactory(engagement=world.engagement, user=UserFactory(role=Role.AUDITOR))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(detail_url(world.engagement))


def test_period_dates_are_shown(world):
    world.engagement.period_start = datetime.date(2026, 1, 1)
    world.engagement.save()
    html = client_as(world.actor("team_leader")).get(detail_url(world.engagement)).content.decode()
    assert '<time datetime="2026-01-01">1 January 2026</time>' in html
