"""The phone filing page in a real browser: camera input, GPS, progress, offline queue."""

import hashlib

import pytest
from playwright.sync_api import expect

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
    expect(page.locator("[name=latitude]")).not_to_have_value("")
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
    expect(phone_page.locator("#upload-status")).to_contain_text("No connection")
    assert not Evidence.objects.exists()
    # The item survives closing the page: it lives in IndexedDB, not in the page. The page
    # is closed while still offline, so no upload is in flight when the signal returns.
    filing_url, context = phone_page.url, phone_page.context
    phone_page.close()
    context.set_offline(False)
    reopened = context.new_page()
    reopened.goto(filing_url)
    reopened.locator("#filed-link").wait_for()
    expect(reopened.locator("#queue-list li")).to_have_count(0)
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


def refuse_first_upload(page, status=400):
    """The server answers the first upload with `status`; later ones go through."""
    calls = []

    def handle(route):
        if route.request.method == "POST" and not calls:
            calls.append(route.request.url)
            route.fulfill(
                status=status,
                content_type="application/json",
                body='{"description": ["Describe what the photo shows."]}',
            )
        else:
            route.continue_()

    page.route("**/api/v1/evidence/", handle)
    return calls


def test_a_refused_item_stays_on_the_phone_and_goes_through_on_send_again(
    phone_page, live_server, login, cso_auditor
):
    user, engagement = cso_auditor
    camera = open_filing_page(phone_page, live_server, login, user, engagement)
    calls = refuse_first_upload(phone_page)
    choose_photo(phone_page, camera, "Refused once")
    item = phone_page.locator("#queue-list [data-queued]")
    item.locator("button.send-again").wait_for()
    assert calls and "Describe what the photo shows." in item.inner_text()
    assert not Evidence.objects.exists()
    # "Remove" asks first and says the photo exists nowhere else; dismissing keeps it.
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    phone_page.once("dialog", dismiss)
    item.locator("button.remove").click()
    expect(phone_page.locator("#queue-list li")).to_have_count(1)
    assert asked and "exists nowhere else" in asked[0]
    item.locator("button.send-again").click()
    phone_page.locator("#filed-link").wait_for()
    expect(phone_page.locator("#queue-list li")).to_have_count(0)
    evidence = Evidence.objects.get()
    assert evidence.sha256 == PHOTO_SHA256 == stored_sha256(evidence)
    assert evidence.description == "Refused once"


def test_the_same_photo_again_counts_as_already_filed(phone_page, live_server, login, cso_auditor):
    user, engagement = cso_auditor
    camera = open_filing_page(phone_page, live_server, login, user, engagement)
    choose_photo(phone_page, camera, "First")
    phone_page.locator("#filed-link").wait_for()
    first = Evidence.objects.get()
    phone_page.evaluate("document.getElementById('filed-link').remove()")
    phone_page.select_option("select[name=kind]", "photo")
    phone_page.fill("textarea[name=description]", "The same bytes again")
    camera.set_input_files({"name": "IMG_2.jpg", "mimeType": "image/jpeg", "buffer": PHOTO})
    phone_page.eval_on_selector("#evidence-form", "form => form.requestSubmit()")
    phone_page.locator("#filed-link").wait_for()
    expect(phone_page.locator("#queue-list li")).to_have_count(0)
    status = phone_page.inner_text("#upload-status")
    assert f"already filed as #{first.pk}" in status
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize("status", [409, 429])
def test_409_and_429_are_retried_like_a_lost_connection(
    phone_page, live_server, login, cso_auditor, status
):
    user, engagement = cso_auditor
    camera = open_filing_page(phone_page, live_server, login, user, engagement)
    calls = refuse_first_upload(phone_page, status=status)
    choose_photo(phone_page, camera, f"Answered {status} once")
    phone_page.locator("#filed-link").wait_for()  # the backoff retried it by itself
    assert calls and phone_page.locator("button.send-again").count() == 0
    expect(phone_page.locator("#queue-list li")).to_have_count(0)
    assert Evidence.objects.get().sha256 == PHOTO_SHA256
