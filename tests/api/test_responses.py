"""Responses: posted by the auditee's respondents (or, as rejoinders, by team auditors)
on issued findings, never edited. A response on a finding the caller cannot see (another
agency's, or any draft for an agency) is a 404; a rejoinder on a draft is a 409."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.choices import EngagementStatus, FindingStatus, ResponseKind
from audits.models import Response, ResponseAttachment
from audits.services.findings import response_create
from tests.api.matrix import EndpointMatrix
from tests.api.test_findings import AGENCY, SAI_AND_TEAM
from tests.conftest import client_for
from tests.findings_setup import PDF_BYTES, make_finding, pdf_upload
from tests.world import build_world

URL = "/api/v1/responses/"


class TestManagementCommentMatrix(EndpointMatrix):
    list_url = URL
    status = EngagementStatus.FIELDWORK
    visible = SAI_AND_TEAM | AGENCY
    # Invisible finding: 404 (as for any verb on it); roles that never post: 403.
    create = {
        "agency_respondent": 201,
        "parent_agency_respondent": 201,
        "other_agency_respondent": 404,
        "outsider_auditor": 404,
    }

    def subject(self, world):
        self.finding = make_finding(world, FindingStatus.ISSUED)
        return response_create(
            by=world.users["agency_respondent"],
            finding=self.finding,
            kind=ResponseKind.MANAGEMENT_COMMENT,
            body="We will recover the overpayment.",
        )

    def create_payload(self, world):
        return {"finding": self.finding.pk, "kind": "management_comment", "body": "Agreed."}


class TestRejoinderMatrix(TestManagementCommentMatrix):
    status = EngagementStatus.REPORTING
    visible = SAI_AND_TEAM | AGENCY | {"oversight"}
    create = {
        "team_leader": 201,
        "team_auditor": 201,
        "other_agency_respondent": 404,
        "outsider_auditor": 404,
    }

    def create_payload(self, world):
        return {"finding": self.finding.pk, "kind": "auditor_rejoinder", "body": "Not accepted."}


pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def agency(world):
    return client_for(world.users["agency_respondent"])


def test_post_with_attachment_then_download(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    created = agency(world).post(
        URL,
        {
            "finding": finding.pk,
            "kind": "action_plan",
            "body": "Re-measure by June",
            "files": [pdf_upload("plan.pdf")],
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["author"] == world.users["agency_respondent"].pk
    assert body["engagement"] == world.engagement.pk and body["recommendation"] is None
    [attachment] = body["attachments"]
    assert attachment["original_filename"] == "plan.pdf" and attachment["size"] == len(PDF_BYTES)
    url = f"{URL}{body['id']}/attachments/{attachment['id']}/file/"
    download = client_for(world.users["team_cso"]).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert client_for(world.users["other_agency_respondent"]).get(url).status_code == 404


def test_refused_upload_saves_nothing(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    response = agency(world).post(
        URL,
        {
            "finding": finding.pk,
            "kind": "management_comment",
            "body": "See file",
            "files": [pdf_upload(), SimpleUploadedFile("a.html", b"<html><body>x</body></html>")],
        },
        format="multipart",
    )
    assert response.status_code == 415
    assert not Response.objects.exists() and not ResponseAttachment.objects.exists()


@pytest.mark.parametrize("status", [FindingStatus.DRAFT, FindingStatus.FOR_REVIEW])
def test_response_on_an_unissued_finding(world, status):
    finding = make_finding(world, status)
    by_agency = agency(world).post(
        URL, {"finding": finding.pk, "kind": "management_comment", "body": "b"}
    )
    assert by_agency.status_code == 404
    rejoinder = client_for(world.users["team_auditor"]).post(
        URL, {"finding": finding.pk, "kind": "auditor_rejoinder", "body": "b"}
    )
    assert rejoinder.status_code == 409
    assert not Response.objects.exists()


def test_response_by_the_wrong_agency_is_404(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    response = client_for(world.users["other_agency_respondent"]).post(
        URL, {"finding": finding.pk, "kind": "management_comment", "body": "b"}
    )
    assert response.status_code == 404
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"finding": "abc", "kind": "management_comment", "body": "b"}, "finding"),
        ({"kind": "praise", "body": "b"}, "kind"),
        ({"kind": "management_comment", "body": ""}, "body"),
    ],
)
def test_bad_input_is_400(world, payload, field):
    finding = make_finding(world, FindingStatus.ISSUED)
    payload = {"finding": finding.pk, **payload}
    response = agency(world).post(URL, payload)
    assert response.status_code == 400 and field in response.json()
    assert not Response.objects.exists()


def test_missing_finding_is_400(world):
    response = agency(world).post(URL, {"kind": "management_comment", "body": "b"})
    assert response.status_code == 400 and "finding" in response.json()


def test_responses_are_never_edited(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    posted = response_create(
        by=world.users["agency_respondent"],
        finding=finding,
        kind=ResponseKind.MANAGEMENT_COMMENT,
        body="Original",
    )
    url = f"{URL}{posted.pk}/"
    for client in (agency(world), client_for(world.users["supervisor"])):
        assert client.patch(url, {"body": "Changed"}).status_code == 405
        assert client.put(url, {"body": "Changed", "kind": "action_plan"}).status_code == 405
        assert client.delete(url).status_code == 405
    posted.refresh_from_db()
    assert posted.body == "Original"
    history = agency(world).get(url + "history/").json()
    assert len(history) == 1 and history[0]["change_reason"] == "Posted"


def test_list_costs_the_same_for_2_and_50(world, django_assert_num_queries):
    finding = make_finding(world, FindingStatus.ISSUED)
    client = client_for(world.users["team_leader"])

    def post(count):
        for number in range(count):
            response_create(
                by=world.users["agency_respondent"],
                finding=finding,
                kind=ResponseKind.STATUS_UPDATE,
                body=f"Update {number}",
                attachments=[pdf_upload()],
            )

    post(2)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"page_size": 200})
    post(48)
    with django_assert_num_queries(len(small)):
        response = client.get(URL, {"page_size": 200})
    assert len(response.json()["results"]) == 50
