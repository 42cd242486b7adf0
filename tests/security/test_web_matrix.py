"""The permission matrix for the web pages: each page of an object answers exactly the
actors its API endpoint shows the object to (200), everyone else 404, and sends an
anonymous visitor to the login page. The `visible` sets come from the API matrices."""

import pytest
from django.test import Client

from tests.api import test_engagements_matrix as engagements
from tests.api import test_evidence as evidence
from tests.api import test_findings as findings
from tests.api import test_grievances_matrix as grievances
from tests.api import test_procedures_matrix as procedures
from tests.api import test_reports_matrix as reports
from tests.api import test_sanctions as sanctions
from tests.world import ACTORS

# The matrix classes are used through their modules, so pytest does not collect them twice.
PAGES = [
    (engagements.TestEngagementMatrix, "/engagements/{pk}/"),
    (engagements.TestEngagementInReportingMatrix, "/engagements/{pk}/"),
    (findings.TestDraftFindingMatrix, "/findings/{pk}/"),
    (findings.TestDraftFindingMatrix, "/findings/{pk}/history/"),
    (findings.TestIssuedFindingMatrix, "/findings/{pk}/"),
    (findings.TestIssuedInReportingMatrix, "/findings/{pk}/"),
    (findings.TestIssuedInReportingMatrix, "/findings/{pk}/history/"),
    (evidence.TestEvidenceInFieldworkMatrix, "/evidence/{pk}/"),
    (evidence.TestEvidenceInFieldworkMatrix, "/evidence/{pk}/file/"),
    (evidence.TestEvidenceOfIssuedFindingMatrix, "/evidence/{pk}/"),
    (sanctions.TestSanctionMatrix, "/sanctions/{pk}/"),
    (grievances.TestReceivedGrievanceMatrix, "/grievances/{pk}/"),
    (grievances.TestReferredToAgencyMatrix, "/grievances/{pk}/"),
    (grievances.TestReferredToAuditMatrix, "/grievances/{pk}/"),
    (procedures.TestOpenProcedureMatrix, "/procedures/{pk}/"),
    (procedures.TestReviewedProcedureInReportingMatrix, "/procedures/{pk}/"),
    (reports.TestDraftReportMatrix, "/reports/{pk}/"),
    (reports.TestApprovedReportMatrix, "/reports/{pk}/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("matrix", "page"), PAGES, ids=[f"{m.__name__}:{p}" for m, p in PAGES])
def test_web_page_matrix(matrix, page, actor):
    world, obj = matrix().setup_world()
    browser = Client()
    if actor != "anonymous":
        browser.force_login(world.actor(actor))
    response = browser.get(page.format(pk=obj.pk))
    if actor == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    expected = 200 if actor in matrix.visible else 404
    assert response.status_code == expected, (actor, page)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_language_switch_answers_every_actor(actor):
    """`/language/` (POST) is for everyone, citizens without an account included: it
    sets the cookie, saves the choice on a logged-in user, and goes back to the page."""
    world, _obj = engagements.TestEngagementMatrix().setup_world()
    browser = Client()
    if actor != "anonymous":
        browser.force_login(world.actor(actor))
    response = browser.post("/language/", {"language": "fil", "next": "/grievances/new/"})
    assert response.status_code == 302 and response["Location"] == "/grievances/new/"
    assert response.cookies["django_language"].value == "fil"
    if actor != "anonymous":
        assert type(world.actor(actor)).objects.get(pk=world.actor(actor).pk).language == "fil"
    assert browser.get("/language/").status_code == 405
