import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.choices import EngagementStatus, FindingStatus, TeamRole
from audits.models import Finding
from audits.services import findings as services
from tests.api.matrix import EndpointMatrix
from tests.conftest import client_for
from tests.factories import MemberFactory
from tests.findings_setup import add_recommendation, make_evidence, make_finding
from tests.world import build_world

URL = "/api/v1/findings/"
SAI_AND_TEAM = {
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "granted_expert",
}
AGENCY = {"agency_respondent", "parent_agency_respondent"}
# Who may post a new finding on world.engagement, and what the others get: 400 when the
# engagement is not visible to them ("unknown engagement"), 403 when it is or their role
# never drafts.
CREATE = {
    "team_leader": 201,
    "team_auditor": 201,
    "team_cso": 201,
    "outsider_auditor": 400,
    "outsider_cso": 400,
    "lapsed_cso": 400,
}
TEAM_EDITS = {"team_leader": 200, "team_auditor": 200, "team_cso": 200}


class TestDraftFindingMatrix(EndpointMatrix):
    list_url = URL
    status = EngagementStatus.FIELDWORK
    finding_status = FindingStatus.DRAFT
    visible = SAI_AND_TEAM
    create = CREATE
    update = TEAM_EDITS
    transition = (FindingStatus.FOR_REVIEW, {"team_leader": 200})

    def subject(self, world):
        finding = make_finding(world, self.finding_status)
        if self.finding_status == FindingStatus.DRAFT:  # complete, so it may go for review
            add_recommendation(world, finding)
        return finding

    def create_payload(self, world):
        return {"engagement": world.engagement.pk, "title": "Unpaid labour", "amount": "10.00"}

    def update_payload(self, world, obj):
        return {"title": "Renamed", "change_reason": "Clearer title"}


class TestForReviewIssueMatrix(TestDraftFindingMatrix):
    finding_status = FindingStatus.FOR_REVIEW
    transition = (FindingStatus.ISSUED, {"supervisor": 200})


class TestForReviewReturnMatrix(TestDraftFindingMatrix):
    finding_status = FindingStatus.FOR_REVIEW
    transition = (FindingStatus.DRAFT, {"supervisor": 200})


class TestIssuedFindingMatrix(TestDraftFindingMatrix):
    """Agencies see issued findings from fieldwork on; oversight only from reporting on."""

    finding_status = FindingStatus.ISSUED
    visible = SAI_AND_TEAM | AGENCY
    update = {"team_leader": 200, "supervisor": 200}
    transition = (FindingStatus.CLOSED, {"team_leader": 200, "supervisor": 200})


class TestIssuedInReportingMatrix(TestIssuedFindingMatrix):
    status = EngagementStatus.REPORTING
    visible = SAI_AND_TEAM | AGENCY | {"oversight"}


class TestDraftInReportingMatrix(TestDraftFindingMatrix):
    """Neither agencies nor oversight ever see a draft."""

    status = EngagementStatus.REPORTING


class TestClosedFindingMatrix(TestIssuedInReportingMatrix):
    """Frozen: those who could edit get 409; a move out of `closed` is 409 for anyone."""

    finding_status = FindingStatus.CLOSED
    update = {"team_leader": 409, "supervisor": 409}
    transition = (FindingStatus.ISSUED, dict.fromkeys(TestIssuedInReportingMatrix.visible, 409))


# --- behaviour ------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def leader(world):
    return client_for(world.users["team_leader"])


def test_create_read_and_nested_fields(world):
    evidence = make_evidence(world.engagement, world.users["team_cso"])
    created = leader(world).post(
        URL,
        {
            "engagement": world.engagement.pk,
            "title": "Cement overpriced",
            "condition": "Paid PHP 560 a bag",
            "severity": "high",
            "amount": "1250000.00",
            "evidence": [evidence.pk],
            "status": "issued",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["reference"].startswith("AOM-")
    assert body["amount"] == "1250000.00" and body["evidence"] == [evidence.pk]
    assert body["deemed_accepted"] is False and body["deemed_accepted_on"] is None
    assert body["recommendations"] == [] and "change_reason" not in body
    finding = Finding.objects.get(pk=body["id"])
    add_recommendation(world, finding)
    detail = leader(world).get(f"{URL}{finding.pk}/")
    assert detail.headers["ETag"]
    [recommendation] = detail.json()["recommendations"]
    assert set(recommendation) == {"id", "text", "status", "target_date"}


@pytest.mark.parametrize(
    "amount", ["-1", "-0.01", "abc", "NaN", "Infinity", "1000000000000000.01", "1e16"]
)
def test_bad_amounts_are_400_and_nothing_saved(world, amount):
    response = leader(world).post(
        URL, {"engagement": world.engagement.pk, "title": "T", "amount": amount}
    )
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Finding.objects.exists()


def test_amount_at_the_limit_is_accepted(world):
    response = leader(world).post(
        URL, {"engagement": world.engagement.pk, "title": "T", "amount": "1000000000000000"}
    )
    assert response.status_code == 201, response.json()


def test_finding_for_another_teams_engagement_is_400(world):
    response = leader(world).post(URL, {"engagement": world.other_engagement.pk, "title": "T"})
    assert response.status_code == 400
    assert "engagement" in response.json()
    assert not Finding.objects.exists()


def test_evidence_from_another_engagement_is_400(world):
    # The leader is on both teams, so they can see the other engagement's evidence.
    MemberFactory(
        engagement=world.other_engagement, user=world.users["team_leader"], role=TeamRole.AUDITOR
    )
    foreign = make_evidence(world.other_engagement, world.users["outsider_auditor"])
    response = leader(world).post(
        URL, {"engagement": world.engagement.pk, "title": "T", "evidence": [foreign.pk]}
    )
    assert response.status_code == 400 and "evidence" in response.json()
    assert not Finding.objects.exists()
    finding = make_finding(world)
    patched = leader(world).patch(f"{URL}{finding.pk}/", {"evidence": [foreign.pk]})
    assert patched.status_code == 400 and "evidence" in patched.json()
    assert not finding.evidence.exists()


def test_evidence_the_caller_cannot_see_is_400(world):
    hidden = make_evidence(world.other_engagement, world.users["outsider_auditor"])
    response = leader(world).post(
        URL, {"engagement": world.engagement.pk, "title": "T", "evidence": [hidden.pk]}
    )
    assert response.status_code == 400 and "evidence" in response.json()


def test_patch_ignores_status_and_engagement(world):
    finding = make_finding(world)
    response = leader(world).patch(
        f"{URL}{finding.pk}/",
        {"status": "issued", "engagement": world.other_engagement.pk, "cause": "No canvass"},
    )
    assert response.status_code == 200, response.json()
    finding.refresh_from_db()
    assert (finding.status, finding.engagement_id) == ("draft", world.engagement.pk)
    assert finding.cause == "No canvass"


def test_after_issue_patch_needs_change_reason(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    url = f"{URL}{finding.pk}/"
    effect = finding.effect
    refused = leader(world).patch(url, {"effect": "PHP 2M"})
    assert refused.status_code == 400 and "change_reason" in refused.json()
    finding.refresh_from_db()
    assert finding.effect == effect
    accepted = leader(world).patch(url, {"effect": "PHP 2M", "change_reason": "Exit conference"})
    assert accepted.status_code == 200
    history = leader(world).get(url + "history/").json()
    assert history[0]["change_reason"] == "Exit conference"
    assert history[0]["changes"] == [{"field": "effect", "old": effect, "new": "PHP 2M"}]


def test_patch_answers_with_the_evidence_list_it_saved(world):
    """The answer is read after the write, even when If-Match made the view read the
    finding's related lists before it."""
    first = make_evidence(world.engagement, world.users["team_cso"])
    second = make_evidence(world.engagement, world.users["team_cso"])
    finding = make_finding(world)
    url = f"{URL}{finding.pk}/"
    etag = leader(world).get(url).headers["ETag"]
    patched = leader(world).patch(url, {"evidence": [first.pk, second.pk]}, HTTP_IF_MATCH=etag)
    assert patched.status_code == 200, patched.json()
    assert patched.json()["evidence"] == sorted([first.pk, second.pk])
    assert leader(world).get(url).json() == patched.json()


def test_stale_if_match_is_412(world):
    finding = make_finding(world)
    url = f"{URL}{finding.pk}/"
    etag = leader(world).get(url).headers["ETag"]
    assert leader(world).patch(url, {"title": "One"}, HTTP_IF_MATCH=etag).status_code == 200
    stale = leader(world).patch(url, {"title": "Two"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    finding.refresh_from_db()
    assert finding.title == "One"


def test_issue_through_the_api_sets_dates_and_a_second_issue_is_409(world):
    finding = make_finding(world, FindingStatus.FOR_REVIEW)
    supervisor = client_for(world.users["supervisor"])
    url = f"{URL}{finding.pk}/transition/"
    issued = supervisor.post(url, {"to": "issued"})
    assert issued.status_code == 200, issued.json()
    body = issued.json()
    issued_on = datetime.date.fromisoformat(body["issued_on"])
    assert datetime.date.fromisoformat(body["response_due"]) == issued_on + datetime.timedelta(15)
    again = supervisor.post(url, {"to": "issued"})
    assert again.status_code == 409


def test_closing_needs_a_reason(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    response = leader(world).post(f"{URL}{finding.pk}/transition/", {"to": "closed"})
    assert response.status_code == 400 and "reason" in response.json()


def test_deemed_accepted_is_visible_and_filterable(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    services.finding_mark_lapsed_replies(today=finding.response_due + datetime.timedelta(days=1))
    agency = client_for(world.users["agency_respondent"])
    body = agency.get(f"{URL}{finding.pk}/").json()
    assert body["deemed_accepted"] is True
    assert body["deemed_accepted_on"] == str(finding.response_due + datetime.timedelta(days=1))
    listed = agency.get(URL, {"deemed_accepted": "true"}).json()["results"]
    assert [row["id"] for row in listed] == [finding.pk]
    assert agency.get(URL, {"deemed_accepted": "false"}).json()["results"] == []


def test_choice_filters_read_in_list_order_without_distinct(world):
    """Several values of a choice filter: each row once, and no DISTINCT (it made
    PostgreSQL sort whole rows instead of reading a page in index order)."""
    high = make_finding(world, FindingStatus.ISSUED, severity="high")
    critical = make_finding(world, FindingStatus.ISSUED, severity="critical")
    make_finding(world, FindingStatus.ISSUED, severity="low")
    with CaptureQueriesContext(connection) as captured:
        listed = leader(world).get(URL, {"severity": ["high", "critical"]}).json()["results"]
    assert sorted(row["id"] for row in listed) == sorted([high.pk, critical.pk])
    assert not [q for q in captured if "DISTINCT" in q["sql"].upper()]


def test_filters(world):
    draft = make_finding(world)
    issued = make_finding(world, FindingStatus.ISSUED, severity="critical")
    client = leader(world)
    assert [r["id"] for r in client.get(URL, {"status": "issued"}).json()["results"]] == [issued.pk]
    assert [r["id"] for r in client.get(URL, {"severity": "medium"}).json()["results"]] == [
        draft.pk
    ]
    by_engagement = client.get(URL, {"engagement": world.engagement.pk}).json()["results"]
    assert len(by_engagement) == 2


def test_no_delete(world):
    finding = make_finding(world)
    assert leader(world).delete(f"{URL}{finding.pk}/").status_code == 405
    assert Finding.objects.filter(pk=finding.pk).exists()


# --- query counts -------------------------------------------------------------------------


def _findings_with_history_and_recommendations(world, count, start=0):
    findings = []
    evidence = make_evidence(world.engagement, world.users["team_leader"])
    for number in range(start, start + count):
        finding = make_finding(world, evidence=[evidence], title=f"Finding {number}")
        add_recommendation(world, finding, "First")
        add_recommendation(world, finding, "Second")
        services.finding_update(finding, by=world.users["team_cso"], cause=f"Cause {number}")
        findings.append(finding)
    return findings


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    return len(captured)


def _issued(world, count, start=0):
    findings = _findings_with_history_and_recommendations(world, count, start)
    for finding in findings:
        services.finding_transition(finding, by=world.users["team_leader"], to="for_review")
        services.finding_transition(finding, by=world.users["supervisor"], to="issued")


@pytest.mark.parametrize("actor", ["team_leader", "supervisor", "agency_respondent", "oversight"])
def test_list_costs_the_same_for_2_and_50_findings(actor, django_assert_num_queries):
    world = build_world(status=EngagementStatus.REPORTING)
    client = client_for(world.users[actor])
    _issued(world, 2)
    _queries(client, URL)  # warm-up: caches that are filled once per process
    expected = _queries(client, URL)
    assert len(client.get(URL).json()["results"]) == 2
    _issued(world, 48, start=2)
    with django_assert_num_queries(expected):
        response = client.get(URL, {"page_size": 200})
    assert len(response.json()["results"]) == 50
    assert all(len(row["recommendations"]) == 2 for row in response.json()["results"])


def test_detail_and_history_cost_the_same_for_2_and_50_recommendations_and_versions(
    world, django_assert_num_queries
):
    small = make_finding(world, title="Small")
    big = make_finding(world, title="Big")
    evidence = make_evidence(world.engagement, world.users["team_leader"])
    for finding, count in ((small, 2), (big, 50)):
        for number in range(count):
            add_recommendation(world, finding, f"Recommendation {number}")
            services.finding_update(
                finding,
                by=world.users["team_leader"],
                cause=f"Cause {number}",
                evidence=[evidence] if number % 2 else [],
            )
    client = leader(world)
    for suffix in ("", "history/"):
        _queries(client, f"{URL}{small.pk}/{suffix}")
        expected = _queries(client, f"{URL}{small.pk}/{suffix}")
        with django_assert_num_queries(expected):
            response = client.get(f"{URL}{big.pk}/{suffix}")
        assert response.status_code == 200
    assert len(client.get(f"{URL}{big.pk}/").json()["recommendations"]) == 50
    assert len(client.get(f"{URL}{big.pk}/history/").json()) > 50


def test_a_patch_reads_its_finding_once_under_its_lock(world):
    """The view reads the finding under a row lock (no second read to lock it, no third
    to refresh it; the service reads it once more, under its own lock), and reads its
    lists for a tag only when If-Match asks for one."""
    finding = make_finding(world)
    url = f"{URL}{finding.pk}/"
    client = leader(world)

    def patch(title, **headers):
        connection.queries_log.clear()  # a full log (a bounded deque) would count nothing
        with CaptureQueriesContext(connection) as captured:
            assert client.patch(url, {"title": title}, **headers).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    plain = patch("One")
    finding_reads = [sql for sql in plain if sql.startswith('SELECT "audits_finding"."id"')]
    assert len(finding_reads) == 2
    if connection.features.has_select_for_update:
        assert all("FOR UPDATE" in sql for sql in finding_reads)
    tagged = patch("Two", HTTP_IF_MATCH=client.get(url).headers["ETag"])
    assert len(tagged) == len(plain) + 2  # its evidence and recommendations, for the tag
