"""Reports join the shared permission matrix: a draft is the team's and the SAI's; an
approved report of an engagement in reporting is also the agency's and oversight's."""

import pytest

from audits.choices import EngagementStatus
from reports.models import Report
from reports.services.generation import report_approve, report_request
from tests.api.matrix import EndpointMatrix
from tests.api.test_evidence import AGENCY_AND_OVERSIGHT as PUBLISHED_READERS
from tests.api.test_evidence import SAI_AND_TEAM as FULL_ACCESS
from tests.conftest import client_for
from tests.world import ACTORS, build_world

CAN_REQUEST = {
    "sai_admin": 202,
    "supervisor": 202,
    "team_leader": 202,
    "team_auditor": 202,
    "team_cso": 202,
}
CANNOT_SEE = {
    "lapsed_cso": 404,
    "outsider_auditor": 404,
    "outsider_cso": 404,
    "other_agency_respondent": 404,
}


@pytest.fixture(autouse=True)
def _inline_and_quick(settings, monkeypatch):
    """Jobs inline, and a stand-in for the PDF: this matrix is about who may do what
    (tests/reports/ read real PDFs back)."""
    settings.REPORTS_JOB_RUNNER = "inline"

    def quick_render(data, *, draft, **kwargs):
        return b"%PDF-1.4 " + (b"draft " if draft else b"final ") + data["kind"].encode(), []

    monkeypatch.setattr("reports.services.generation.render", quick_render)


def _done_report(world):
    """A generated draft (the job run directly: matrix tests never commit)."""
    from reports.services.generation import report_generate

    report = report_request(
        by=world.users["team_leader"], kind="audit_report", engagement=world.engagement
    )
    return report_generate(report.pk)


class TestDraftReportMatrix(EndpointMatrix):
    list_url = "/api/v1/reports/"
    status = EngagementStatus.REPORTING
    visible = FULL_ACCESS
    create = {**CAN_REQUEST, **CANNOT_SEE}

    def subject(self, world):
        return _done_report(world)

    def create_payload(self, world):
        return {"kind": "audit_report", "engagement": world.engagement.pk}


class TestApprovedReportMatrix(TestDraftReportMatrix):
    visible = FULL_ACCESS | PUBLISHED_READERS

    def subject(self, world):
        return report_approve(_done_report(world), by=world.users["supervisor"])


class TestApprovedReportInFieldworkMatrix(TestDraftReportMatrix):
    """Oversight reads reports from reporting on; the agency already in fieldwork."""

    status = EngagementStatus.FIELDWORK
    visible = FULL_ACCESS | {"agency_respondent", "parent_agency_respondent"}
    create = {**CAN_REQUEST, **CANNOT_SEE, "oversight": 404}

    def subject(self, world):
        return report_approve(_done_report(world), by=world.users["supervisor"])


APPROVE = {"supervisor": 200}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_approve_and_file(actor, settings):
    world = build_world(status=EngagementStatus.REPORTING)
    report = _done_report(world)
    client = client_for(world.actor(actor))
    file_response = client.get(f"/api/v1/reports/{report.pk}/file/")
    response = client.post(f"/api/v1/reports/{report.pk}/approve/")
    if actor == "anonymous":
        assert (file_response.status_code, response.status_code) == (401, 401)
        return
    if actor not in FULL_ACCESS:
        assert (file_response.status_code, response.status_code) == (404, 404)
        return
    assert file_response.status_code == 200
    assert response.status_code == APPROVE.get(actor, 403), (actor, response.content)
    assert (Report.objects.get(pk=report.pk).approved_at is not None) == (actor in APPROVE)
