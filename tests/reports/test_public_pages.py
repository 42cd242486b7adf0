"""Public pages: verification by file or hash, the list of published reports, open data."""

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.choices import EngagementStatus
from reports.models import Report
from reports.services.generation import report_approve, report_request
from tests.conftest import client_for
from tests.reports.setup import FINDING_TITLE, RECOMMENDATION, SANCTION_REFERENCE, audit_file
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.REPORTING)


@pytest.fixture
def approved(world, django_capture_on_commit_callbacks):
    audit_file(world)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            by=world.users["team_leader"], kind="audit_report", engagement=world.engagement
        )
    report.refresh_from_db()
    report = report_approve(report, by=world.users["supervisor"])
    with report.file.storage.open(report.file.name, "rb") as handle:
        return report, handle.read()


def test_verify_by_hash_names_the_engagement_and_date(world, approved):
    report, pdf = approved
    page = client_for(None).get(f"/verify/{hashlib.sha256(pdf).hexdigest()}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Issued." in html
    assert world.engagement.reference in html
    assert report.approved_at.strftime("%Y") in html


@pytest.mark.parametrize("bad", ["0" * 64, "not-a-hash", "A" * 64, "%00"])
def test_any_other_hash_is_not_issued(approved, bad):
    page = client_for(None).get(f"/verify/{bad}/")
    assert page.status_code == 200
    assert "Not issued." in page.content.decode()


def test_a_draft_is_not_issued(approved):
    report, _pdf = approved
    page = client_for(None).get(f"/verify/{report.draft_sha256}/")
    assert "Not issued." in page.content.decode()


def test_dropping_the_file_accepts_it_and_rejects_one_changed_byte(world, approved):
    _report, pdf = approved
    client = client_for(None)
    response = client.post(
        "/verify/", {"file": SimpleUploadedFile("r.pdf", pdf)}, format="multipart"
    )
    assert response.status_code == 302
    assert "Issued." in client.get(response["Location"]).content.decode()
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    response = client.post(
        "/verify/", {"file": SimpleUploadedFile("r.pdf", bytes(changed))}, format="multipart"
    )
    assert "Not issued." in client.get(response["Location"]).content.decode()


def test_typing_a_hash_and_a_bad_one(approved):
    report, _pdf = approved
    client = client_for(None)
    response = client.post("/verify/", {"sha256": report.sha256.upper()}, format="multipart")
    assert response["Location"] == f"/verify/{report.sha256}/"
    response = client.post("/verify/", {"sha256": "xyz"}, format="multipart")
    assert response.status_code == 200
    assert "64 hexadecimal" in response.content.decode()


def test_the_qr_address_shows_what_was_issued(world, approved):
    report, _pdf = approved
    page = client_for(None).get(f"/verify/report/{report.pk}/")
    assert page.status_code == 200
    assert report.sha256 in page.content.decode()


def test_published_list_shows_approved_reports_only(
    world, approved, django_capture_on_commit_callbacks
):
    report, pdf = approved
    with django_capture_on_commit_callbacks(execute=True):
        draft = report_request(
            by=world.users["team_leader"], kind="citizen_report", engagement=world.engagement
        )
    page = client_for(None).get("/published/").content.decode()
    assert f"/published/{report.pk}/file/" in page
    assert f"/published/{draft.pk}/file/" not in page
    download = client_for(None).get(f"/published/{report.pk}/file/")
    assert b"".join(download.streaming_content) == pdf
    assert client_for(None).get(f"/published/{draft.pk}/file/").status_code == 404


def test_oversight_reads_approved_reports_through_the_api(world, approved):
    report, _pdf = approved
    listing = client_for(world.users["oversight"]).get("/api/v1/reports/").json()
    assert [row["id"] for row in listing["results"]] == [report.pk]
    assert (
        client_for(world.users["oversight"]).get(f"/api/v1/reports/{report.pk}/file/").status_code
        == 200
    )


def test_open_data_downloads(world):
    audit_file(world)
    client = client_for(None)
    findings = client.get("/api/v1/open-data/findings/").json()
    assert [row["title"] for row in findings] == [FINDING_TITLE]
    csv = client.get("/api/v1/open-data/recommendations/", {"format": "csv"})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert RECOMMENDATION in csv.content.decode()
    sanctions = client.get("/api/v1/open-data/sanctions/", {"format": "json"}).json()
    assert sanctions[0]["reference"] == SANCTION_REFERENCE
    assert sanctions[0]["balance"] == "375000.00"
    assert "Peña" not in json.dumps(sanctions)  # persons liable are named on the notice only


@pytest.mark.parametrize(
    "params, count",
    [
        ({"agency": "AGENCY"}, 1),
        ({"agency": "PARENT"}, 1),
        ({"agency": "OTHER"}, 0),
        ({"year": 2000}, 0),
        ({"status": "issued"}, 1),
        ({"status": "settled"}, 0),
        ({"amount_min": "300000", "amount_max": "400000"}, 1),
        ({"amount_min": "400000.01"}, 0),
    ],
)
def test_open_data_filters(world, params, count):
    from audits.models import Organization

    audit_file(world)
    ids = {
        "AGENCY": world.agency.pk,
        "PARENT": world.agency.parent_id,
        "OTHER": Organization.objects.get(name="Provincial Health Office").pk,
    }
    params = {key: ids.get(value, value) for key, value in params.items()}
    rows = client_for(None).get("/api/v1/open-data/sanctions/", params).json()
    assert len(rows) == count, rows


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "lost"}, "status"),
        ({"year": "soon"}, "year"),
        ({"amount_min": "-1"}, "amount_min"),
        ({"agency": "x"}, "agency"),
    ],
)
def test_open_data_bad_filters_are_400(params, field):
    response = client_for(None).get("/api/v1/open-data/findings/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_drafts_and_engagements_before_reporting_stay_out_of_open_data(world):
    from audits.services.engagements import engagement_transition
    from tests.findings_setup import make_finding

    make_finding(world)  # a draft
    assert client_for(None).get("/api/v1/open-data/findings/").json() == []
    audit_file(world)
    assert len(client_for(None).get("/api/v1/open-data/findings/").json()) == 1
    engagement_transition(
        world.engagement, by=world.users["team_leader"], to="fieldwork", reason="More site visits"
    )
    assert client_for(None).get("/api/v1/open-data/findings/").json() == []
    assert client_for(None).get("/api/v1/open-data/sanctions/").json() == []
    assert Report.objects.count() == 0
