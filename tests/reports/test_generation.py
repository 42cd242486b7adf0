"""Generating reports through the API and reading the PDFs back."""

import hashlib

import pytest

from audits.choices import EngagementStatus
from reports.models import Report
from tests.conftest import client_for
from tests.reports.setup import (
    AGENCY_COMMENT,
    FINDING_TITLE,
    PERSON_LIABLE,
    RECOMMENDATION,
    REJOINDER,
    SANCTION_REFERENCE,
    audit_file,
    pdf_pages,
    pdf_text,
)
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.REPORTING)


def generate(world, capture, actor="team_leader", **body):
    body.setdefault("engagement", world.engagement.pk)
    body.setdefault("kind", "audit_report")
    with capture(execute=True):
        response = client_for(world.users[actor]).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 202, response.content
    assert set(response.json()) >= {"id", "status", "progress"}
    assert response.json()["status"] == "queued"
    return Report.objects.get(pk=response.json()["id"])


def file_bytes(world, report, actor="team_leader") -> bytes:
    response = client_for(world.users[actor]).get(f"/api/v1/reports/{report.pk}/file/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_audit_report_shows_every_part_of_the_file(world, django_capture_on_commit_callbacks):
    parts = audit_file(world)
    report = generate(world, django_capture_on_commit_callbacks)
    polled = client_for(world.users["team_leader"]).get(f"/api/v1/reports/{report.pk}/").json()
    assert polled["status"] == "done", polled
    assert polled["progress"] == 100
    pdf = file_bytes(world, report)
    assert polled["sha256"] == hashlib.sha256(pdf).hexdigest()
    text = pdf_text(pdf)
    for expected in [
        FINDING_TITLE,
        RECOMMENDATION,
        AGENCY_COMMENT,
        REJOINDER,
        SANCTION_REFERENCE,
        "375,000.00",
        PERSON_LIABLE,
        parts["photo"].sha256,
        parts["document"].sha256,
        "Contents",
        "Transmittal",
        "Scope and methodology",
        "Status of prior recommendations",
        "Annex A. Evidence cited",
        world.engagement.reference,
    ]:
        assert expected in text, expected
    pages = pdf_pages(pdf)
    assert all("DRAFT" in page for page in pages)
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_contents_gives_the_page_of_each_finding(world, django_capture_on_commit_callbacks):
    audit_file(world)
    report = generate(world, django_capture_on_commit_callbacks)
    pages = pdf_pages(file_bytes(world, report))
    contents = next(page for page in pages if "Contents" in page)
    finding_page = next(
        number
        for number, page in enumerate(pages, start=1)
        if FINDING_TITLE in page and "Condition" in page
    )
    assert f"{FINDING_TITLE} . " in contents or FINDING_TITLE in contents
    assert str(finding_page) in contents


def test_approval_freezes_a_final_version_without_watermark(
    world, django_capture_on_commit_callbacks
):
    parts = audit_file(world)
    report = generate(world, django_capture_on_commit_callbacks)
    draft = file_bytes(world, report)
    draft_name = Report.objects.get(pk=report.pk).file.name

    assert (
        client_for(world.users["team_leader"])
        .post(f"/api/v1/reports/{report.pk}/approve/")
        .status_code
        == 403
    )
    response = client_for(world.users["supervisor"]).post(f"/api/v1/reports/{report.pk}/approve/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["approved"] is True
    final = file_bytes(world, report)
    assert body["sha256"] == hashlib.sha256(final).hexdigest()
    assert body["draft_sha256"] == hashlib.sha256(draft).hexdigest()
    pages = pdf_pages(final)
    assert not any("DRAFT" in page for page in pages)
    assert FINDING_TITLE in pdf_text(final)
    assert f"/verify/report/{report.pk}/" in pages[-1]  # beside the QR code
    assert f"/verify/report/{report.pk}/" not in " ".join(pages[:-1])

    # Approved is frozen: a second approval is refused and the file stays the same.
    again = client_for(world.users["supervisor"]).post(f"/api/v1/reports/{report.pk}/approve/")
    assert again.status_code == 409
    assert file_bytes(world, report) == final
    # The draft file is still there, byte for byte.
    from django.core.files.storage import default_storage

    with default_storage.open(draft_name, "rb") as handle:
        assert handle.read() == draft

    # A later change to the audit file makes a new version; the old one is untouched.
    from audits.services.findings import finding_update

    finding_update(
        parts["finding"],
        by=world.users["supervisor"],
        title="Cement overpriced",
        change_reason="Title corrected at the exit conference",
    )
    newer = generate(world, django_capture_on_commit_callbacks)
    assert newer.version == report.version + 1
    assert "Cement overpriced" in pdf_text(file_bytes(world, newer))
    assert file_bytes(world, report) == final


def test_a_draft_whose_file_changed_is_not_approved(world, django_capture_on_commit_callbacks):
    parts = audit_file(world)
    report = generate(world, django_capture_on_commit_callbacks)
    from audits.services.findings import finding_update

    finding_update(
        parts["finding"],
        by=world.users["supervisor"],
        effect="Now PHP 400,000.",
        change_reason="Recomputed",
    )
    response = client_for(world.users["supervisor"]).post(f"/api/v1/reports/{report.pk}/approve/")
    assert response.status_code == 409
    assert "new version" in response.json()["detail"]
    assert Report.objects.get(pk=report.pk).approved_at is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "annual_bonus"}, "kind"),
        ({"kind": "audit_report", "engagement": None}, "engagement"),
        ({"kind": "notice"}, "sanction"),
        ({"kind": "audit_report", "finding": 1}, None),
        ({"kind": "audit_report", "engagement": "abc"}, "engagement"),
    ],
)
def test_bad_requests_are_400_naming_the_field(world, body, field):
    audit_file(world)
    if "finding" in body:
        body["finding"] = world.engagement.findings.first().pk
        body["engagement"] = world.engagement.pk
    elif "engagement" not in body and body["kind"] != "notice":
        body["engagement"] = world.engagement.pk
    response = client_for(world.users["team_leader"]).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400, response.content
    if field:
        assert field in response.json()
    assert not Report.objects.exists()


def test_a_subject_the_caller_cannot_see_is_404(world):
    response = client_for(world.users["outsider_auditor"]).post(
        "/api/v1/reports/", {"kind": "audit_report", "engagement": world.engagement.pk}
    )
    assert response.status_code == 404
    response = client_for(world.users["team_leader"]).post(
        "/api/v1/reports/", {"kind": "audit_report", "engagement": 10**12}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_documents_of_a_draft_finding_are_refused(world):
    from tests.findings_setup import make_finding

    draft = make_finding(world)
    response = client_for(world.users["team_leader"]).post(
        "/api/v1/reports/", {"kind": "observation_memorandum", "finding": draft.pk}
    )
    assert response.status_code == 409


def test_citizen_report_has_charts_and_plain_words(world, django_capture_on_commit_callbacks):
    audit_file(world)
    report = generate(world, django_capture_on_commit_callbacks, kind="citizen_report")
    text = pdf_text(file_bytes(world, report))
    for expected in [
        "What we found",
        "Money in question",
        "Recommendations, by status",
        "Complaints that led to this audit",
        FINDING_TITLE,
        "DRAFT",
    ]:
        assert expected in text, expected


def test_recommendation_status_for_an_engagement_and_for_an_agency(
    world, django_capture_on_commit_callbacks
):
    parts = audit_file(world)
    from audits.services.findings import recommendation_transition

    recommendation_transition(
        parts["recommendation"],
        by=world.users["team_auditor"],
        to="ongoing",
        reason="Deduction seen in billing no. 5",
    )
    report = generate(world, django_capture_on_commit_callbacks, kind="recommendation_status")
    text = pdf_text(file_bytes(world, report))
    assert RECOMMENDATION in text
    assert "Ongoing" in text
    assert "Deduction seen in billing no. 5" in text

    department = world.agency.parent
    by_agency = generate(
        world,
        django_capture_on_commit_callbacks,
        actor="supervisor",
        kind="recommendation_status",
        engagement=None,
        agency=department.pk,
    )
    assert by_agency.engagement_id is None
    text = pdf_text(file_bytes(world, by_agency, actor="supervisor"))
    assert RECOMMENDATION in text
    assert world.engagement.reference in text


def test_observation_memorandum_and_notice(world, django_capture_on_commit_callbacks):
    parts = audit_file(world)
    memo = generate(
        world,
        django_capture_on_commit_callbacks,
        kind="observation_memorandum",
        engagement=None,
        finding=parts["finding"].pk,
    )
    assert memo.engagement_id == world.engagement.pk
    text = pdf_text(file_bytes(world, memo))
    assert "The Head of Agency" in text and world.agency.name in text
    assert "15 calendar days" in text
    assert RECOMMENDATION in text
    notice = generate(
        world,
        django_capture_on_commit_callbacks,
        kind="notice",
        engagement=None,
        sanction=parts["sanction"].pk,
    )
    text = pdf_text(file_bytes(world, notice))
    for expected in [
        SANCTION_REFERENCE,
        PERSON_LIABLE,
        "Municipal Engineer",
        "375,000.00",
        "How to appeal",
        "Contract No. 2026-17",
    ]:
        assert expected in text, expected


def test_a_failing_job_ends_failed_with_its_reason(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    audit_file(world)

    def broken(*args, **kwargs):
        raise RuntimeError("the printer caught fire")

    monkeypatch.setattr("reports.services.generation.render", broken)
    report = generate(world, django_capture_on_commit_callbacks)
    body = client_for(world.users["team_leader"]).get(f"/api/v1/reports/{report.pk}/").json()
    assert body["status"] == "failed"
    assert "the printer caught fire" in body["failure_reason"]
    assert (
        client_for(world.users["team_leader"]).get(f"/api/v1/reports/{report.pk}/file/").status_code
        == 404
    )


def test_a_job_whose_worker_died_is_failed_on_read(world, settings):
    import datetime

    from django.utils import timezone

    from reports.services.generation import report_request

    settings.REPORTS_JOB_RUNNER = "celery"  # queued and never picked up in this test
    report = report_request(
        by=world.users["team_leader"], kind="audit_report", engagement=world.engagement
    )
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_JOB_TIMEOUT + 60)
    Report.objects.filter(pk=report.pk).update(requested_at=long_ago)  # untracked test setup
    body = client_for(world.users["team_leader"]).get(f"/api/v1/reports/{report.pk}/").json()
    assert body["status"] == "failed"
    assert "stopped responding" in body["failure_reason"]
    assert Report.history.filter(id=report.pk, status="failed").exists()


def test_audit_report_lists_the_grievances_and_the_programme(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from grievances.choices import GrievanceStatus
    from programme.models import Procedure
    from tests.grievances.factories import file_grievance

    # The widest symbol in every position: a code must never break across lines.
    monkeypatch.setattr("grievances.services.filing.new_code", lambda: "W" * 15)
    audit_file(world)
    grievance = file_grievance(
        status=GrievanceStatus.REFERRED_TO_AUDIT, engagement=world.engagement
    )
    procedure = Procedure.objects.create(
        engagement=world.engagement,
        number=1,
        objective="Measure the riprap thickness at km 0+300",
        method="measurement",
    )
    report = generate(world, django_capture_on_commit_callbacks)
    text = pdf_text(file_bytes(world, report))
    assert grievance.grouped_code in text, text[text.find("Tracking") :][:600]
    assert procedure.reference in text
    assert "Measure the riprap thickness" in text
