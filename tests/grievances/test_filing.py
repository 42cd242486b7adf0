"""Filing a grievance through the API and the web form: what is stored, what is refused
(with nothing left behind), duplicates, the honeypot and the per-client throttle."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audits.models.files import evidence_storage
from grievances.models import Grievance, GrievanceAttachment, GrievanceContact
from grievances.tracking import ALPHABET
from tests import evidence_samples as samples
from tests.factories import AgencyFactory, SaiFactory
from tests.grievances.factories import CONTACT, category

pytestmark = pytest.mark.django_db
URL = "/api/v1/grievances/"
CODE_SHAPE = re.compile(f"^[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}$")


@pytest.fixture(autouse=True)
def _categories():
    category()
    category("water_sanitation", "Water and sanitation")


def stored_files() -> list[str]:
    storage = evidence_storage()
    found = []

    def walk(folder):
        if not storage.exists(folder or "."):
            return
        folders, files = storage.listdir(folder or ".")
        found.extend(f"{folder}/{name}" for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}" if folder else sub)

    walk("")
    return found


def photo(name="bridge.jpg"):
    return SimpleUploadedFile(name, samples.jpeg_bytes(), content_type="image/jpeg")


# --- API ---------------------------------------------------------------------------------


def test_anyone_files_and_gets_a_tracking_code_without_contact_in_the_answer(api):
    agency = AgencyFactory()
    body = {
        "description": "The health centre has had no doctor since October.",
        "category": "infrastructure",
        "agency": agency.pk,
        "location": "Barangay San Isidro",
        "latitude": 15.07940123456,
        "longitude": 120.62,
        "anonymous": False,
        **CONTACT,
    }
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert CODE_SHAPE.match(data["tracking_code"])
    assert data["status"] == "received"
    for value in CONTACT.values():
        assert value not in response.content.decode()
    grievance = Grievance.objects.get()
    assert grievance.grouped_code == data["tracking_code"]
    assert (grievance.agency, grievance.channel) == (agency, "api")
    assert str(grievance.latitude) == "15.079401"
    assert GrievanceContact.objects.get(grievance=grievance).email == CONTACT["contact_email"]
    assert grievance.history.latest().history_change_reason == "Grievance filed"


def test_multipart_filing_stores_up_to_five_attachments_through_the_evidence_checks(api):
    files = [photo(f"p{n}.jpg") for n in range(4)] + [
        SimpleUploadedFile("plan.pdf", samples.PDF, content_type="application/pdf")
    ]
    response = api.post(
        URL,
        {"description": "Flooded road", "category": "infrastructure", "files": files},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    attachments = GrievanceAttachment.objects.order_by("pk")
    assert [a.content_type for a in attachments] == ["image/jpeg"] * 4 + ["application/pdf"]
    assert all(len(a.sha256) == 64 for a in attachments)
    assert len(stored_files()) == 5


def test_a_sixth_attachment_is_refused_and_nothing_is_stored(api):
    files = [photo(f"p{n}.jpg") for n in range(6)]
    response = api.post(
        URL,
        {"description": "Six", "category": "infrastructure", "files": files},
        format="multipart",
    )
    assert response.status_code == 400
    assert "files" in response.json()
    assert not Grievance.objects.exists() and stored_files() == []


def test_a_refused_file_type_after_a_good_one_leaves_no_orphan_file(api):
    files = [photo(), SimpleUploadedFile("x.html", samples.HTML, content_type="text/html")]
    response = api.post(
        URL,
        {"description": "Bad file", "category": "infrastructure", "files": files},
        format="multipart",
    )
    assert response.status_code == 415
    assert "files" in response.json()["detail"]
    assert not Grievance.objects.exists()
    assert not GrievanceAttachment.objects.exists()
    assert stored_files() == []


def test_a_refused_grievance_stores_no_upload(api):
    response = api.post(
        URL,
        {"description": "", "category": "infrastructure", "files": [photo()]},
        format="multipart",
    )
    assert response.status_code == 400 and "description" in response.json()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 100_000}, "description"),
        ({"category": "no-such-category"}, "category"),
        ({"agency": 999_999}, "agency"),
        ({"latitude": 91, "longitude": 120}, "latitude"),
        ({"latitude": 14, "longitude": 200}, "longitude"),
        ({"latitude": "NaN", "longitude": 1}, "latitude"),
        ({"latitude": 14.5}, "latitude"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"contact_phone": "call me <script>"}, "contact_phone"),
        ({"contact_name": "x" * 100_000}, "contact_name"),
        ({"location": "x" * 100_000}, "location"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api, body, field):
    payload = {"description": "Broken pump", "category": "infrastructure", **body}
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Grievance.objects.exists()


def test_an_organisation_that_is_not_an_agency_is_refused(api):
    response = api.post(
        URL,
        {"description": "Wrong", "category": "infrastructure", "agency": SaiFactory().pk},
        format="json",
    )
    assert response.status_code == 400 and "agency" in response.json()


def test_html_and_script_are_stored_as_text_and_escaped_on_the_page(api):
    script = "<script>alert('x')</script> <b>bold</b>"
    response = api.post(
        URL,
        {"description": script, "category": "infrastructure", "location": script},
        format="json",
    )
    assert response.status_code == 201
    grievance = Grievance.objects.get()
    assert grievance.description == script
    browser = Client()
    browser.force_login(grievance_staff())
    page = browser.get(f"/grievances/{grievance.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def grievance_staff():
    from audits.choices import Role
    from tests.factories import UserFactory

    return UserFactory(role=Role.SUPERVISOR)


# --- duplicates and throttling -----------------------------------------------------------


def test_the_same_description_from_the_same_client_within_a_day_is_not_filed_twice(api):
    body = {"description": "No water in  Purok 5", "category": "water_sanitation"}
    first = api.post(URL, body, format="json")
    again = api.post(URL, {**body, "description": "no water in purok 5 "}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    assert Grievance.objects.count() == 1
    other_client = api.post(URL, body, format="json", REMOTE_ADDR="10.1.2.3")
    assert other_client.status_code == 201
    assert Grievance.objects.count() == 2


def test_filing_is_throttled_per_client_with_retry_after(api, settings):
    for number in range(10):
        response = api.post(
            URL, {"description": f"Report {number}", "category": "other"}, format="json"
        )
        assert response.status_code in (201, 400), response.content
    throttled = api.post(URL, {"description": "One more", "category": "other"}, format="json")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    elsewhere = api.post(
        URL,
        {"description": "From elsewhere", "category": "infrastructure"},
        format="json",
        REMOTE_ADDR="10.9.9.9",
    )
    assert elsewhere.status_code == 201
    web = Client().post("/grievances/new/", {"description": "web", "category": "infrastructure"})
    assert web.status_code == 429 and int(web.headers["Retry-After"]) > 0


# --- the web form ------------------------------------------------------------------------


def test_the_login_page_links_to_the_public_filing_page():
    html = Client().get("/accounts/login/").content.decode()
    assert 'href="/grievances/new/"' in html and 'href="/grievances/track/"' in html


def test_the_web_form_files_with_a_photo_and_shows_the_code():
    client = Client()
    page = client.get("/grievances/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="website"' in html
    response = client.post(
        "/grievances/new/",
        {
            "description": "The school roof leaks",
            "category": "infrastructure",
            "location": "Sto. Niño Elementary School",
            "latitude": "15.1",
            "longitude": "120.6",
            "files": [photo()],
            "anonymous": "on",
            **CONTACT,
        },
        follow=True,
    )
    assert response.status_code == 200
    grievance = Grievance.objects.get()
    assert grievance.anonymous and grievance.channel == "web"
    assert grievance.attachments.count() == 1
    assert grievance.grouped_code in response.content.decode()
    assert "Write down your tracking code" in response.content.decode()


def test_the_honeypot_refuses_a_bot_and_stores_nothing():
    response = Client().post(
        "/grievances/new/",
        {"description": "Buy cheap pills", "category": "other", "website": "http://spam"},
    )
    assert response.status_code == 400
    assert not Grievance.objects.exists()


def test_the_web_form_shows_errors_and_stores_the_upload_only_as_kept_for_a_resubmission():
    response = Client().post(
        "/grievances/new/", {"description": "", "category": "infrastructure", "files": [photo()]}
    )
    assert response.status_code == 400
    assert not Grievance.objects.exists()
    assert [name.split("/")[0] for name in stored_files()] == ["kept"]


def test_an_attachment_over_the_size_limit_is_413_and_nothing_is_stored(api, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 200
    response = api.post(
        URL,
        {"description": "Big photo", "category": "infrastructure", "files": [photo()]},
        format="multipart",
    )
    assert response.status_code == 413
    assert not Grievance.objects.exists() and stored_files() == []
    web = Client().post(
        "/grievances/new/",
        {"description": "Big photo", "category": "infrastructure", "files": [photo()]},
    )
    assert web.status_code == 413
    assert not Grievance.objects.exists() and stored_files() == []
