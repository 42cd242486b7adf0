import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.choices import EngagementStatus, FindingStatus, RecommendationStatus, TeamRole
from audits.models import Finding, Recommendation
from audits.services.findings import finding_transition
from tests.api.matrix import EndpointMatrix
from tests.api.test_findings import AGENCY, SAI_AND_TEAM
from tests.conftest import client_for
from tests.factories import EngagementFactory, MemberFactory
from tests.findings_setup import add_recommendation, make_finding
from tests.world import build_world

URL = "/api/v1/recommendations/"
TEAM = {"team_leader", "team_auditor", "team_cso"}


class TestRecommendationOnDraftMatrix(EndpointMatrix):
    """While the finding is a draft the team writes its recommendations; their status is
    tracked only once it is issued (409 for those who could otherwise set it)."""

    list_url = URL
    status = EngagementStatus.REPORTING
    finding_status = FindingStatus.DRAFT
    visible = SAI_AND_TEAM
    create = {
        **dict.fromkeys(TEAM, 201),
        "outsider_auditor": 400,
        "outsider_cso": 400,
        "lapsed_cso": 400,
    }
    update = dict.fromkeys(TEAM, 200)
    transition = (RecommendationStatus.ONGOING, {"team_leader": 409, "team_auditor": 409})

    def subject(self, world):
        self.finding = make_finding(world, self.finding_status)
        return add_recommendation(world, self.finding)

    def create_payload(self, world):
        return {"finding": self.finding.pk, "text": "Blacklist the supplier"}

    def update_payload(self, world, obj):
        return {"text": "Recover PHP 1.2M", "change_reason": "Amount confirmed"}


class TestRecommendationOnIssuedMatrix(TestRecommendationOnDraftMatrix):
    finding_status = FindingStatus.ISSUED
    visible = SAI_AND_TEAM | AGENCY | {"oversight"}
    create = {
        "team_leader": 201,
        "supervisor": 201,
        "outsider_auditor": 400,
        "outsider_cso": 400,
        "lapsed_cso": 400,
    }
    update = {"team_leader": 200, "supervisor": 200}
    transition = (RecommendationStatus.ONGOING, {"team_leader": 200, "team_auditor": 200})


class TestRecommendationImplementedMatrix(TestRecommendationOnIssuedMatrix):
    transition = (RecommendationStatus.IMPLEMENTED, {"team_leader": 200, "team_auditor": 200})


pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def test_create_copies_engagement_and_filters(world):
    finding = make_finding(world)
    client = client_for(world.users["team_cso"])
    created = client.post(
        URL, {"finding": finding.pk, "text": "Re-tender", "status": "implemented"}
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["engagement"] == world.engagement.pk and body["status"] == "not_implemented"
    other = make_finding(world)
    add_recommendation(world, other)
    assert [r["id"] for r in client.get(URL, {"finding": finding.pk}).json()["results"]] == [
        body["id"]
    ]
    assert len(client.get(URL, {"engagement": world.engagement.pk}).json()["results"]) == 2
    assert client.get(URL, {"status": "ongoing"}).json()["results"] == []


def test_recommendation_for_an_invisible_finding_is_400(world):
    hidden = make_finding(world)
    outsider = client_for(world.users["outsider_auditor"])
    response = outsider.post(URL, {"finding": hidden.pk, "text": "t"})
    assert response.status_code == 400 and "finding" in response.json()
    assert not Recommendation.objects.exists()


def test_transition_needs_reason_and_shows_in_history(world):
    recommendation = add_recommendation(world, make_finding(world, FindingStatus.ISSUED))
    client = client_for(world.users["team_auditor"])
    url = f"{URL}{recommendation.pk}/"
    assert client.post(url + "transition/", {"to": "ongoing"}).status_code == 400
    moved = client.post(url + "transition/", {"to": "ongoing", "reason": "Site visit 3 May"})
    assert moved.status_code == 200 and moved.json()["status"] == "ongoing"
    history = client.get(url + "history/").json()
    assert history[0]["change_reason"] == "Site visit 3 May"
    assert history[0]["changes"] == [
        {"field": "status", "old": "not_implemented", "new": "ongoing"}
    ]
    assert client.post(url + "transition/", {"to": "ongoing", "reason": "x"}).status_code == 409


def test_reiterate_into_a_follow_up(world):
    recommendation = add_recommendation(world, make_finding(world, FindingStatus.ISSUED))
    world.engagement.status = EngagementStatus.CLOSED
    world.engagement.save()
    follow_up = EngagementFactory(
        sai=world.sai, auditee=world.agency, follow_up_of=world.engagement
    )
    MemberFactory(engagement=follow_up, user=world.users["team_leader"], role=TeamRole.TEAM_LEADER)
    client = client_for(world.users["team_leader"])
    url = f"{URL}{recommendation.pk}/reiterate/"
    hidden = client.post(url, {"engagement": world.other_engagement.pk})
    assert hidden.status_code == 400 and "engagement" in hidden.json()
    created = client.post(url, {"engagement": follow_up.pk})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["reiterated_from"] == recommendation.pk and body["engagement"] == follow_up.pk
    finding = Finding.objects.get(pk=body["finding"])
    assert finding.status == "draft" and finding.title.startswith("Reiterated: ")
    assert client.post(url, {"engagement": follow_up.pk}).status_code == 409
    listed = client.get(URL, {"reiterated_from": recommendation.pk}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]


def test_list_costs_the_same_for_2_and_50(world, django_assert_num_queries):
    finding = make_finding(world, FindingStatus.ISSUED)
    client = client_for(world.users["agency_respondent"])
    for number in range(2):
        add_recommendation(world, finding, f"R{number}")
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"page_size": 200})
    for number in range(48):
        add_recommendation(world, finding, f"More {number}")
    with django_assert_num_queries(len(small)):
        response = client.get(URL, {"page_size": 200})
    assert len(response.json()["results"]) == 51  # and the one it was issued with


def test_oversight_reads_issued_rows_below_newer_engagements_with_drafts_only():
    """Oversight's list starts at the newest engagement with an issued finding (a bound
    that lets it skip newer engagements' drafts): rows below it all show, and a newer
    engagement's rows show as soon as one of its findings is issued."""
    world = build_world(status=EngagementStatus.REPORTING)
    issued = add_recommendation(world, make_finding(world, FindingStatus.ISSUED), "Older")
    newer = EngagementFactory(
        sai=world.sai, auditee=world.agency, status=EngagementStatus.REPORTING
    )
    MemberFactory(engagement=newer, user=world.users["team_leader"], role=TeamRole.TEAM_LEADER)
    draft = make_finding(world, engagement=newer)
    drafted = add_recommendation(world, draft, "Newer")
    client = client_for(world.users["oversight"])

    def listed():
        return {row["id"] for row in client.get(URL).json()["results"]}

    assert issued.pk in listed() and drafted.pk not in listed()
    make_finding(world, FindingStatus.ISSUED, engagement=newer)
    assert issued.pk in listed() and drafted.pk not in listed()  # still a draft's
    finding_transition(draft, by=world.users["team_leader"], to=FindingStatus.FOR_REVIEW)
    finding_transition(draft, by=world.users["supervisor"], to=FindingStatus.ISSUED)
    assert {issued.pk, drafted.pk} <= listed()
