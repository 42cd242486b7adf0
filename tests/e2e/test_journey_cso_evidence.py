"""Journey: a CSO volunteer on a 360 px phone opens the product, taps the large "File
evidence" button at the top of home, takes a photo and files it."""

import hashlib

import pytest
from playwright.sync_api import expect

from audits.choices import EngagementStatus, Role, TeamRole
from audits.models import Evidence
from tests import evidence_samples as samples
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import EngagementFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.e2e
PHONE_360 = {"width": 360, "height": 740}
PHOTO = samples.jpeg_bytes(size=(320, 240))


@pytest.fixture
def volunteer(transactional_db):
    engagement = EngagementFactory(status=EngagementStatus.FIELDWORK, title="Flood-control dike")
    user = UserFactory(role=Role.CSO_AUDITOR)
    MemberFactory(engagement=engagement, user=user, role=TeamRole.CSO_AUDITOR)
    return user, engagement


@pytest.fixture
def phone_360(browser):
    context = browser.new_context(viewport=PHONE_360, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"latitude": 15.0794, "longitude": 120.62})
    yield context.new_page()
    context.close()


def no_sideways_scroll(page):
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def test_cso_volunteer_files_a_photo_on_a_360px_phone(
    phone_360, live_server, login, volunteer, screenshot
):
    user, engagement = volunteer
    page = phone_360
    login(page, live_server, user)
    button = page.locator("#cso-panel a.button.large").first
    box = button.bounding_box()
    assert box["y"] + box["height"] <= PHONE_360["height"], "File evidence is below the fold"
    no_sideways_scroll(page)
    screenshot(page, "01-home-file-evidence", full_page=False)

    button.tap()
    page.wait_for_url(f"**/engagements/{engagement.pk}/evidence/new/")
    expect(page.locator("[name=latitude]")).not_to_have_value("")
    no_sideways_scroll(page)
    page.select_option("select[name=kind]", "photo")
    page.fill("textarea[name=description]", "Dike segment 3, cracks after the rain")
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "IMG_20261125.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}
    )
    screenshot(page, "02-filing-form", full_page=False)

    page.click("#evidence-submit")
    link = page.locator("#filed-link")
    link.wait_for()
    expect(page.locator("#upload-status")).to_contain_text("exactly the bytes")
    screenshot(page, "03-filed", full_page=False)
    evidence = Evidence.objects.get()
    assert evidence.submitted_by == user and evidence.engagement == engagement
    assert evidence.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert evidence.description == "Dike segment 3, cracks after the rain"
