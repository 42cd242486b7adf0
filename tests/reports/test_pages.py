"""The report pages: generate buttons where they belong, the progress page, approval."""

import pytest
from django.test import Client

from audits.choices import EngagementStatus
from reports.models import Report
from tests.reports.setup import audit_file
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.REPORTING)


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_buttons_on_the_engagement_finding_and_sanction_pages(world):
    parts = audit_file(world)
    leader = browser(world.users["team_leader"])
    page = leader.get(f"/engagements/{world.engagement.pk}/").content.decode()
    for kind in ("audit_report", "citizen_report", "recommendation_status"):
        assert f'value="{kind}"' in page
    page = leader.get(f"/findings/{parts['finding'].pk}/").content.decode()
    assert 'value="observation_memorandum"' in page
    page = leader.get(f"/sanctions/{parts['sanction'].pk}/").content.decode()
    assert 'value="notice"' in page
    # The agency reads the file but generates nothing.
    agency = browser(world.users["agency_respondent"])
    page = agency.get(f"/engagements/{world.engagement.pk}/").content.decode()
    assert 'value="audit_report"' not in page


def test_generate_follow_and_approve(world, django_capture_on_commit_callbacks, settings):
    audit_file(world)
    settings.REPORTS_JOB_RUNNER = "celery"  # stays queued: the page shows the progress bar
    leader = browser(world.users["team_leader"])
    response = leader.post(
        "/reports/new/", {"kind": "audit_report", "engagement": world.engagement.pk}
    )
    report = Report.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    page = leader.get(response["Location"]).content.decode()
    assert '<progress id="job-progress"' in page
    assert f'data-poll-url="/api/v1/reports/{report.pk}/"' in page
    assert "reports/progress.js" in page
    assert "<script>" not in page  # no inline script

    from reports.services.generation import report_generate

    report_generate(report.pk)
    page = leader.get(f"/reports/{report.pk}/").content.decode()
    assert "Download the PDF" in page
    assert 'id="approve-button"' not in page  # a team leader does not approve
    supervisor = browser(world.users["supervisor"])
    page = supervisor.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="approve-button"' in page
    supervisor.post(f"/reports/{report.pk}/approve/")
    report.refresh_from_db()
    assert report.approved_at is not None
    page = supervisor.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="approve-button"' not in page
    assert f"/verify/{report.sha256}/" in page
    download = leader.get(f"/reports/{report.pk}/file/")
    assert download["Content-Type"] == "application/pdf"


def test_refusals_are_messages_not_errors(world):
    leader = browser(world.users["team_leader"])
    response = leader.post(
        "/reports/new/", {"kind": "bogus", "engagement": world.engagement.pk}, follow=True
    )
    assert response.status_code == 200
    assert "Unknown kind" in response.content.decode()
    outsider = browser(world.users["outsider_auditor"])
    assert (
        outsider.post(
            "/reports/new/", {"kind": "audit_report", "engagement": world.engagement.pk}
        ).status_code
        == 404
    )
    assert (
        outsider.post("/reports/new/", {"kind": "audit_report", "engagement": "²"}).status_code
        == 404
    )
    assert not Report.objects.exists()


def test_public_pages_need_no_login():
    client = Client()
    for url in ("/verify/", "/published/", "/open-data/"):
        assert client.get(url).status_code == 200, url


def test_admin_lists_reports_read_only_and_edits_branding(world):
    from reports.services.generation import report_request

    report = report_request(
        by=world.users["team_leader"], kind="audit_report", engagement=world.engagement
    )
    admin = browser(world.users["sai_admin"])
    assert admin.get("/admin/reports/report/").status_code == 200
    page = admin.get(f"/admin/reports/report/{report.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin.get("/admin/reports/reportbranding/add/").status_code == 200
