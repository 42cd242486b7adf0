"""The phone filing page in a real browser: camera input, GPS, progress, offline queue."""

import hashlib

import pytest

from audits.choices import EngagementStatus, Role, TeamRole
from audits.models import Evidence
from audits.models.files import evidence_storage
from tests import evidence_samples as samples
from tests.factories import EngagementFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.e2e
PHOTO = samples.jpeg_bytes(size=(320, 240))
PHOTO_SHA256 = hashlib.sha256(PHOTO).hexdigest()


@pytest.fixture
def cso_auditor(transactional_db):
    engagement = EngagementFactory(status=EngagementStatus.FIELDWORK)
    user = UserFactory(role=Role.CSO_AUDITOR)
    MemberFactory(engagement=engagement, user=user, role=TeamRole.CSO_AUDITOR)
    return user, engagement


def open_filing_page(page, live_server, login, user, engagement):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 15.0794, "longitude": 120.62})
    login(page, live_server, user)
    page.goto(f"{live_server.url}/engagements/{engagement.pk}/evidence/new/")
    camera = page.locator("input[type=file][name=file]")
    assert camera.get_attribute("accept") == "image/*"
    assert camera.get_attribute("capture") == "environment"
    page.wait_for_function("document.querySelector('[name=latitude]').value !== ''")
    return camera


def choose_photo(page, camera, description):
    page.select_option("select[name=kind]", "photo")
    page.fill("textarea[name=description]", description)
    camera.set_input_files({"name": "IMG_20261120.jpg", "mimeType": "image/jpeg", "buffer": PHOTO})
    page.click("#evidence-submit")


def stored_sha256(evidence) -> str:
    with evidence_storage().open(evidence.file.name) as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def test_a_photo_filed_from_the_phone_is_stored_with_its_hash(
    phone_page, live_server, login, cso_auditor
):
    user, engagement = cso_auditor
    camera = open_filing_page(phone_page, live_server, login, user, engagement)
    assert phone_page.input_value("[name=latitude]") == "15.079400"
    choose_photo(phone_page, camera, "Dike segment 3, cracks")
    link = phone_page.locator("#filed-link")
    link.wait_for()
    assert link.get_attribute("data-sha256") == PHOTO_SHA256
    assert "exactly the bytes" in phone_page.inner_text("#upload-status")
    assert phone_page.locator("#upload-progress").get_attribute("value") == "100"
    evidence = Evidence.objects.get()
    assert evidence.sha256 == PHOTO_SHA256 == stored_sha256(evidence)
    assert evidence.submitted_by == user and evidence.kind == "photo"
    assert str(evidence.latitude) == "15.079400"  # the phone's position beats EXIF
    assert evidence.original_filename == "IMG_20261120.jpg"


def test_offline_the_item_is_kept_on_the_phone_and_sent_when_reopened_online(
    phone_page, live_server, login, cso_auditor
):
    user, engagement = cso_auditor
    camera = open_filing_page(phone_page, live_server, login, user, engagement)
    phone_page.context.set_offline(True)
    choose_photo(phone_page, camera, "Filed with no signal")
    phone_page.locator("#queue-list [data-queued]").wait_for()
    phone_page.wait_for_function(
        "document.getElementById('upload-status').textContent.includes('No connection')"
    )
    assert not Evidence.objects.exists()
    # The item survives closing the page: it lives in IndexedDB, not in the page. The page
    # is closed while still offline, so no upload is in flight when the signal returns.
    filing_url, context = phone_page.url, phone_page.context
    phone_page.close()
    context.set_offline(False)
    reopened = context.new_page()
    reopened.goto(filing_url)
    reopened.locator("#filed-link").wait_for()
    reopened.wait_for_function("document.querySelectorAll('#queue-list li').length === 0")
    evidence = Evidence.objects.get()
    assert evidence.sha256 == PHOTO_SHA256 == stored_sha256(evidence)
    assert evidence.description == "Filed with no signal"


def test_going_online_sends_the_queue_without_a_reload(phone_page, live_server, login, cso_auditor):
    user, engagement = cso_auditor
    camera = open_filing_page(phone_page, live_server, login, user, engagement)
    phone_page.context.set_offline(True)
    choose_photo(phone_page, camera, "Queued")
    phone_page.locator("#queue-list [data-queued]").wait_for()
    phone_page.context.set_offline(False)  # the `online` event (or the backoff) retries
    phone_page.locator("#filed-link").wait_for()
    assert Evidence.objects.get().sha256 == PHOTO_SHA256
