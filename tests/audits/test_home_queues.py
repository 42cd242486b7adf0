"""The home page: what needs each role today, from `audits.selectors.home`, at a fixed
number of queries however many rows there are."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from audits.choices import EngagementStatus, FindingStatus, RecommendationStatus, SanctionKind
from audits.models import HomeVisit
from audits.services.findings import finding_transition
from tests.factories import (
    CsoFactory,
    EngagementFactory,
    EvidenceFactory,
    MemberFactory,
    SanctionFactory,
)
from tests.findings_setup import add_recommendation, make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def home_of(world, actor) -> str:
    browser = Client()
    browser.force_login(world.users[actor])
    response = browser.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    """The text of the element with this id up to its end (a section's or a list's)."""
    start = html.index(f'id="{element_id}"')
    end = "</ul>" if html[:start].endswith('<ul class="items" ') else "</section>"
    return html[start : html.index(end, start)]


def test_team_leader_sees_drafts_to_submit_and_new_evidence(world):
    draft = make_finding(world, title="Dike shorter than planned")
    make_finding(world, FindingStatus.FOR_REVIEW, title="Already in review")
    EvidenceFactory(
        engagement=world.engagement,
        submitted_by=world.users["team_cso"],
        description="Photo of the dike",
    )
    html = home_of(world, "team_leader")
    panel = section(html, "team-leader-panel")
    assert "Dike shorter than planned" in panel
    assert f"/findings/{draft.pk}/" in panel
    assert "Already in review" not in panel
    assert "1 draft to submit for review" in panel
    assert "Photo of the dike" in section(html, "new-evidence")


def test_new_evidence_counts_from_the_previous_session(world):
    leader = world.users["team_leader"]
    old = EvidenceFactory(engagement=world.engagement, submitted_by=world.users["team_cso"])
    HomeVisit.objects.create(user=leader, seen_at=timezone.now())
    new = EvidenceFactory(
        engagement=world.engagement,
        submitted_by=world.users["team_cso"],
        description="Filed after the last visit",
    )
    browser = Client()
    browser.force_login(leader)
    html = browser.get("/").content.decode()
    evidence = section(html, "new-evidence")
    assert f"/evidence/{new.pk}/" in evidence
    assert f"/evidence/{old.pk}/" not in evidence
    assert "since your last visit" in html
    # Reloading within the same session keeps the same starting point.
    assert f"/evidence/{new.pk}/" in section(browser.get("/").content.decode(), "new-evidence")
    # The next session starts from this one.
    browser = Client()
    browser.force_login(leader)
    assert f"/evidence/{new.pk}/" not in browser.get("/").content.decode()


def test_team_panel_is_only_for_team_leaders(world):
    make_finding(world, title="Dike shorter than planned")
    assert 'id="team-leader-panel"' not in home_of(world, "team_auditor")
    assert 'id="team-leader-panel"' not in home_of(world, "team_cso")


def _backdate_history(finding, *, days):
    """Move every version of the finding `days` into the past (its record, not the case)."""
    for version in finding.history.all():
        version.history_date -= datetime.timedelta(days=days)
        version.save()


def test_supervisor_review_queue_oldest_first_with_age(world):
    older = make_finding(world, FindingStatus.FOR_REVIEW, title="Older submission")
    newer = make_finding(world, FindingStatus.FOR_REVIEW, title="Newer submission")
    _backdate_history(older, days=10)
    queue = section(home_of(world, "supervisor"), "review-queue")
    assert queue.index("Older submission") < queue.index("Newer submission")
    assert "waiting 10 days" in queue
    assert "submitted today" in queue
    assert "2 findings waiting for your review" in queue
    assert newer.reference in queue


def test_returned_and_resubmitted_finding_ages_from_resubmission(world):
    finding = make_finding(world, FindingStatus.FOR_REVIEW, title="Back again")
    _backdate_history(finding, days=20)
    finding = finding_transition(
        finding, by=world.users["supervisor"], to=FindingStatus.DRAFT, reason="Add the cause"
    )
    finding_transition(finding, by=world.users["team_leader"], to=FindingStatus.FOR_REVIEW)
    queue = section(home_of(world, "supervisor"), "review-queue")
    assert "submitted today" in queue
    assert "waiting 20 days" not in queue


def test_supervisor_sees_notices_running_out_and_lapsed_replies(world):
    today = timezone.localdate()
    finding = make_finding(world, FindingStatus.ISSUED, title="Lapsed one")
    soon = SanctionFactory(
        finding=finding,
        kind=SanctionKind.SUSPENSION,
        reference="NS-SOON",
        issued_on=today - datetime.timedelta(days=80),
    )  # 90 days to settle: 10 left
    SanctionFactory(
        finding=finding,
        kind=SanctionKind.DISALLOWANCE,
        reference="ND-LATER",
        issued_on=today - datetime.timedelta(days=10),
    )  # six months to appeal
    finding.deemed_accepted_on = today - datetime.timedelta(days=2)
    finding._change_reason = "test: reply period ran out"
    finding.save()
    html = home_of(world, "supervisor")
    notices = section(html, "notices-running-out")
    assert "NS-SOON" in notices and f"/sanctions/{soon.pk}/" in notices
    assert "10 days left" in notices
    assert "ND-LATER" not in notices
    assert "Lapsed one" in section(html, "lapsed-replies")


def test_auditor_sees_drafts_returned_findings_and_open_recommendations(world):
    make_finding(world, title="Plain draft")
    returned = make_finding(world, FindingStatus.FOR_REVIEW, title="Sent back")
    finding_transition(
        returned, by=world.users["supervisor"], to=FindingStatus.DRAFT, reason="Add evidence"
    )
    issued = make_finding(world, FindingStatus.ISSUED, title="Issued one")
    open_recommendation = issued.recommendations.get()
    html = home_of(world, "team_auditor")
    panel = section(html, "auditor-panel")
    assert "Sent back" in section(panel, "returned-findings")
    assert "Plain draft" in section(panel, "auditor-drafts")
    assert "Sent back" not in section(panel, "auditor-drafts")
    assert f"#recommendation-{open_recommendation.pk}" in section(panel, "open-recommendations")
    # The outsider works on another engagement: none of this is theirs.
    outsider = section(home_of(world, "outsider_auditor"), "auditor-panel")
    assert "Plain draft" not in outsider and "Sent back" not in outsider


def test_implemented_recommendation_is_not_an_open_item(world):
    issued = make_finding(world, FindingStatus.ISSUED, title="Issued one")
    recommendation = issued.recommendations.get()
    recommendation.status = RecommendationStatus.IMPLEMENTED
    recommendation._change_reason = "test"
    recommendation.save()
    panel = section(home_of(world, "team_auditor"), "auditor-panel")
    assert f"#recommendation-{recommendation.pk}" not in panel


def test_cso_volunteer_gets_file_evidence_first_on_the_page(world):
    html = home_of(world, "team_cso")
    panel = section(html, "cso-panel")
    assert f'href="/engagements/{world.engagement.pk}/evidence/new/"' in panel
    assert "button primary large" in panel
    # It is the first thing in the page's content, before any other panel or list.
    content = html[html.index('<main id="content">') :]
    assert content.index('id="cso-panel"') < content.index('id="engagements-heading"')
    # The other team's engagement is not offered.
    assert f"/engagements/{world.other_engagement.pk}/evidence/new/" not in panel


def test_cso_panel_says_when_filing_is_not_open(world):
    planning = EngagementFactory(sai=world.sai, auditee=world.agency, status="planning")
    MemberFactory(engagement=planning, user=world.users["team_cso"], role="cso_auditor")
    panel = section(home_of(world, "team_cso"), "cso-panel")
    assert f"/engagements/{planning.pk}/evidence/new/" not in panel
    assert "this engagement is in Planning" in panel


def test_agency_respondent_keeps_inbox_with_recommendations(world):
    issued = make_finding(world, FindingStatus.ISSUED, title="Issued to the agency")
    html = home_of(world, "agency_respondent")
    inbox = section(html, "agency-inbox")
    assert "Issued to the agency" in inbox
    assert "days left" in inbox
    assert f"#recommendation-{issued.recommendations.get().pk}" in inbox
    assert 'id="review-queue"' not in html and 'id="cso-panel"' not in html


def test_oversight_sees_latest_issued_findings_not_drafts(world):
    make_finding(world, title="Secret draft")
    make_finding(world, FindingStatus.ISSUED, title="Public finding")
    world.engagement.status = EngagementStatus.REPORTING
    world.engagement._change_reason = "test"
    world.engagement.save()
    html = home_of(world, "oversight")
    panel = section(html, "latest-findings")
    assert "Public finding" in panel
    assert "Secret draft" not in html
    assert 'id="latest-reports"' in html


@pytest.mark.parametrize(
    "actor",
    ["team_leader", "supervisor", "team_auditor", "team_cso", "agency_respondent", "sai_admin"],
)
def test_home_query_count_is_constant_as_rows_grow(world, actor, django_assert_max_num_queries):
    def add_rows(count):
        for _ in range(count):
            finding = make_finding(world, FindingStatus.ISSUED)
            add_recommendation(world, make_finding(world))
            make_finding(world, FindingStatus.FOR_REVIEW)
            SanctionFactory(finding=finding, kind=SanctionKind.SUSPENSION)
            EvidenceFactory(engagement=world.engagement, submitted_by=world.users["team_cso"])
            CsoFactory(accredited_until=timezone.localdate() + datetime.timedelta(days=5))
            engagement = EngagementFactory(sai=world.sai, auditee=world.agency, status="fieldwork")
            if _team_role(actor):
                MemberFactory(
                    engagement=engagement, user=world.users[actor], role=_team_role(actor)
                )

    browser = Client()
    browser.force_login(world.users[actor])
    add_rows(1)
    browser.get("/")  # warm up: the session's first home page stores the visit
    with django_assert_max_num_queries(100) as few:
        assert browser.get("/").status_code == 200
    add_rows(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert browser.get("/").status_code == 200


def _team_role(actor):
    return {
        "team_leader": "team_leader",
        "supervisor": "team_leader",
        "team_auditor": "auditor",
        "team_cso": "cso_auditor",
        "agency_respondent": None,
        "sai_admin": None,
    }[actor]


def test_team_leader_drafts_are_not_repeated_in_the_auditor_panel(world):
    make_finding(world, title="Led draft")
    html = home_of(world, "team_leader")
    assert "Led draft" in section(html, "drafts-to-submit")
    assert "Led draft" not in section(html, "auditor-drafts")


def test_sai_admin_sees_accreditations_ending_soon(world):
    today = timezone.localdate()
    world.cso.accredited_until = today + datetime.timedelta(days=12)
    world.cso._change_reason = "test"
    world.cso.save()
    html = home_of(world, "sai_admin")
    panel = section(html, "accreditations")
    assert world.cso.name in panel and "12 days left" in panel
    assert "Lapsed Watch" in panel  # ended yesterday: still shown, marked overdue
    assert 'id="accreditations"' not in home_of(world, "supervisor")
