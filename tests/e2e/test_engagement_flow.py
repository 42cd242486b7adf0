"""A real browser: the team leader moves an engagement on; the home page fits a phone."""

import pytest

from audits.choices import EngagementStatus, Role, TeamRole
from tests.factories import EngagementFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def planning_engagement(transactional_db):
    leader = UserFactory(role=Role.AUDITOR, full_name="Maricel Santos")
    engagement = EngagementFactory(
        sai=leader.organization,
        status=EngagementStatus.PLANNING,
        title="Rehabilitation of the flood-control dike along the Pampanga River, Candaba",
    )
    MemberFactory(engagement=engagement, user=leader, role=TeamRole.TEAM_LEADER)
    citizen = UserFactory(role=Role.CSO_AUDITOR)
    MemberFactory(engagement=engagement, user=citizen, role=TeamRole.CSO_AUDITOR)
    return engagement, leader, citizen


def test_team_leader_starts_fieldwork(page, live_server, login, planning_engagement):
    engagement, leader, _citizen = planning_engagement
    login(page, live_server, leader)
    page.get_by_role("link", name=engagement.reference, exact=False).click()
    page.wait_for_url(f"**/engagements/{engagement.pk}/")

    lifecycle = page.locator("#lifecycle")
    assert lifecycle.locator("button").all_inner_texts() == ["Start fieldwork"]
    lifecycle.get_by_role("button", name="Start fieldwork").click()

    page.wait_for_selector(".message.success")
    assert "moved to Fieldwork" in page.locator(".messages").inner_text()
    assert page.locator("h1 + p .badge").inner_text() == "Fieldwork"
    assert page.locator("#lifecycle button").all_inner_texts() == ["Start reporting"]
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.FIELDWORK
    assert engagement.history.latest().history_user == leader


def test_citizen_auditor_sees_no_lifecycle_buttons(page, live_server, login, planning_engagement):
    engagement, _leader, citizen = planning_engagement
    login(page, live_server, citizen)
    page.goto(f"{live_server.url}/engagements/{engagement.pk}/")
    assert page.locator("h1").inner_text() == engagement.title
    assert page.locator("#lifecycle").count() == 0
    assert page.locator("#member-add-form").count() == 0


def test_home_page_fits_a_phone(phone_page, live_server, login, planning_engagement):
    _engagement, leader, _citizen = planning_engagement
    for number in range(5):
        engagement = EngagementFactory(
            sai=leader.organization,
            title=f"Farm-to-market road with a very long name, segment {number} " * 3,
        )
        MemberFactory(engagement=engagement, user=leader, role=TeamRole.AUDITOR)
    login(phone_page, live_server, leader)
    phone_page.wait_for_selector("#engagement-list li")
    widths = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"horizontal scroll: content {widths[0]}px > {widths[1]}px"
    # Finger-sized targets: every link in the list and every button at least 44px high.
    heights = phone_page.evaluate(
        "[...document.querySelectorAll('#engagement-list a, main button, main .button')]"
        ".map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 43.5
