"""The home page on a 360 px phone: the citizen auditor's "File evidence" button is on
the first screen, large enough for a thumb, and leads to the filing page."""

import pytest

from audits.choices import EngagementStatus, Role, TeamRole
from tests.factories import EngagementFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.e2e
SMALL_PHONE = {"width": 360, "height": 640}


def test_cso_volunteer_files_evidence_from_the_top_of_home(
    phone_page, live_server, login, screenshot
):
    user = UserFactory(role=Role.CSO_AUDITOR)
    engagement = EngagementFactory(status=EngagementStatus.FIELDWORK, title="Flood-control dike")
    MemberFactory(engagement=engagement, user=user, role=TeamRole.CSO_AUDITOR)
    for number in range(4):  # more engagements below, as a busy volunteer has
        other = EngagementFactory(status=EngagementStatus.FIELDWORK, title=f"Road {number}")
        MemberFactory(engagement=other, user=user, role=TeamRole.CSO_AUDITOR)
    phone_page.set_viewport_size(SMALL_PHONE)
    login(phone_page, live_server, user)
    button = phone_page.locator("#cso-panel a.button.large").first
    box = button.bounding_box()
    assert box["y"] + box["height"] <= SMALL_PHONE["height"], "not on the first screen"
    assert box["height"] >= 48 and box["width"] >= 0.7 * SMALL_PHONE["width"]
    widths = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"horizontal scroll: {widths}"
    screenshot(phone_page, "01-home-cso-360", full_page=False)
    button.click()
    phone_page.wait_for_url("**/evidence/new/")
