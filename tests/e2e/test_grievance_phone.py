"""A citizen on a small, cheap phone (360 px wide): from the login page to a filed
grievance with a photo, then following it with the tracking code."""

import pytest

from audits.choices import Role
from grievances.choices import GrievanceStatus as G
from grievances.models import Grievance
from grievances.services.triage import grievance_transition
from tests import evidence_samples as samples
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import UserFactory
from tests.grievances.factories import CONTACT, category

pytestmark = pytest.mark.e2e
SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def small_phone(browser, transactional_db):
    context = browser.new_context(viewport=SMALL_PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_citizen_files_with_a_photo_and_follows_it_by_code(small_phone, live_server):
    page = small_phone
    category()
    category("water_sanitation", "Water and sanitation")
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Report a problem")
    page.wait_for_url("**/grievances/new/")
    assert fits_the_screen(page)
    honeypot = page.locator("input[name=website]").bounding_box()
    assert honeypot["x"] + honeypot["width"] <= 0  # off screen: the honeypot is not for people
    page.fill("textarea[name=description]", "The water pump in Purok 5 is broken.")
    page.select_option("select[name=category]", "water_sanitation")
    page.fill("input[name=location]", "Purok 5, Barangay Mandili")
    page.set_input_files(
        "input[name=files]",
        {"name": "pump.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg_bytes()},
    )
    page.fill("input[name=contact_name]", CONTACT["contact_name"])
    page.fill("input[name=contact_email]", CONTACT["contact_email"])
    page.click("#grievance-submit")
    page.wait_for_url("**/grievances/track/**")
    code = page.inner_text("#tracking-code").strip()
    assert fits_the_screen(page)
    grievance = Grievance.objects.get()
    assert code == grievance.grouped_code and grievance.attachments.count() == 1
    assert page.inner_text("#tracking-status") == "Received"

    grievance_transition(grievance, by=UserFactory(role=Role.SUPERVISOR), to=G.UNDER_REVIEW)
    page.goto(f"{live_server.url}/grievances/track/")
    page.fill("input[name=code]", code.replace("-", "").lower())
    page.click("#track-form button[type=submit]")
    page.wait_for_selector("#tracking-code")
    assert page.inner_text("#tracking-code").strip() == code
    assert page.inner_text("#tracking-status") == "Under review"
    assert "being verified" in page.inner_text("#public-updates")
    assert CONTACT["contact_email"] not in page.content()
    assert fits_the_screen(page)

    page.goto(f"{live_server.url}/grievances/track/?code=22222-22222-22222")
    assert page.is_visible("#not-found")
