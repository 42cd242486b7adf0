"""The permission matrix for the web pages: each page of an object answers exactly the
actors its API endpoint shows the object to (200), everyone else 404, and sends an
anonymous visitor to the login page. The `visible` sets come from the API matrices."""

import pytest
from django.test import Client

from audits.choices import FindingStatus
from tests.api import test_engagements_matrix as engagements
from tests.api import test_evidence as evidence
from tests.api import test_findings as findings
from tests.api import test_grievances_matrix as grievances
from tests.api import test_procedures_matrix as procedures
from tests.api import test_recommendations as recommendations
from tests.api import test_reports_matrix as reports
from tests.api import test_sanctions as sanctions
from tests.findings_setup import make_finding
from tests.world import ACTORS, build_world

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


# Pages of no one object (the dashboards): who gets 200; everyone else logged in 403.
DASHBOARD_READERS = {
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "outsider_auditor",
    "granted_expert",
    "oversight",
}
EVERYONE = set(ACTORS)
FIXED_PAGES = [
    ("/dashboard/", DASHBOARD_READERS),
    ("/dashboard/charts/findings-by-agency.svg", DASHBOARD_READERS),
    ("/public/dashboard/", EVERYONE),
    ("/public/dashboard/charts/engagements-by-status.svg", EVERYONE),
]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("page", "allowed"), FIXED_PAGES, ids=[p for p, _a in FIXED_PAGES])
def test_fixed_page_matrix(page, allowed, actor):
    world = build_world()
    browser = Client()
    if actor != "anonymous":
        browser.force_login(world.actor(actor))
    response = browser.get(page)
    if actor in allowed:
        assert response.status_code == 200, (actor, page)
    elif actor == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (actor, page)


# --- Pages of issue 9 (home part): who gets the page (200), who is refused (403: sees the
# object but may not act, or lacks the role), who is told it does not exist (404).
ALL_LOGGED_IN = set(ACTORS) - {"anonymous"}
AUDITOR_ROLES = {"supervisor", "team_leader", "team_auditor", "outsider_auditor", "granted_expert"}


def _issued_recommendation(world):
    return make_finding(world, FindingStatus.ISSUED).recommendations.get().pk


ROLE_PAGES = [
    # (url, status of the world's engagement, object's pk from the world, allowed, visible)
    ("/", "fieldwork", None, ALL_LOGGED_IN, ALL_LOGGED_IN),
    ("/reminders/", "fieldwork", None, ALL_LOGGED_IN, ALL_LOGGED_IN),
    (
        "/engagements/{pk}/edit/",
        "fieldwork",
        lambda world: world.engagement.pk,
        {"supervisor", "team_leader"},
        engagements.TestEngagementMatrix.visible,
    ),
    ("/manage/users/", "fieldwork", None, {"sai_admin"}, ALL_LOGGED_IN),
    ("/manage/users/new/", "fieldwork", None, {"sai_admin"}, ALL_LOGGED_IN),
    (
        "/manage/users/{pk}/",
        "fieldwork",
        lambda world: world.users["team_auditor"].pk,
        {"sai_admin"},
        ALL_LOGGED_IN,
    ),
    ("/manage/organisations/", "fieldwork", None, {"sai_admin"}, ALL_LOGGED_IN),
    ("/manage/organisations/new/", "fieldwork", None, {"sai_admin"}, ALL_LOGGED_IN),
    (
        "/manage/organisations/{pk}/",
        "fieldwork",
        lambda world: world.agency.pk,
        {"sai_admin"},
        ALL_LOGGED_IN,
    ),
    (
        "/recommendations/{pk}/reiterate/",
        "reporting",
        _issued_recommendation,
        AUDITOR_ROLES & findings.TestIssuedInReportingMatrix.visible,
        findings.TestIssuedInReportingMatrix.visible,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("page", "status", "subject", "allowed", "visible"),
    ROLE_PAGES,
    ids=[row[0] for row in ROLE_PAGES],
)
def test_issue9_page_matrix(page, status, subject, allowed, visible, actor):
    world = build_world(status=status)
    url = page.format(pk=subject(world)) if subject else page
    browser = Client()
    if actor != "anonymous":
        browser.force_login(world.actor(actor))
    response = browser.get(url)
    if actor == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    expected = 200 if actor in allowed else 403 if actor in visible else 404
    assert response.status_code == expected, (actor, url)


# The lists across engagements: every logged-in role may open them (200) and finds the
# object in them exactly when its API matrix shows it the object; anonymous visitors go
# to the login page. The search page finds the object under the same rule.
LIST_PAGES = [
    (findings.TestDraftFindingMatrix, "/findings/"),
    (findings.TestIssuedFindingMatrix, "/findings/"),
    (findings.TestIssuedInReportingMatrix, "/findings/"),
    (recommendations.TestRecommendationOnDraftMatrix, "/recommendations/"),
    (recommendations.TestRecommendationOnIssuedMatrix, "/recommendations/"),
    (sanctions.TestSanctionMatrix, "/sanctions/"),
    (grievances.TestReceivedGrievanceMatrix, "/grievances/"),
    (grievances.TestReferredToAgencyMatrix, "/grievances/"),
    (grievances.TestReferredToAuditMatrix, "/grievances/"),
    (reports.TestDraftReportMatrix, "/reports/"),
    (reports.TestApprovedReportMatrix, "/reports/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("matrix", "page"), LIST_PAGES, ids=[f"{m.__name__}:{p}" for m, p in LIST_PAGES]
)
def test_list_page_matrix(matrix, page, actor):
    world, obj = matrix().setup_world()
    browser = Client()
    if actor != "anonymous":
        browser.force_login(world.actor(actor))
    for params in ({}, {"export": "csv"}):
        response = browser.get(page, params)
        if actor == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            continue
        assert response.status_code == 200, (actor, page)
    if actor == "anonymous":
        return
    listed = f'data-row="{obj.pk}"' in browser.get(page).content.decode()
    assert listed == (actor in matrix.visible), (actor, page)


SEARCHED = [
    (findings.TestDraftFindingMatrix, lambda obj: obj.title, "/findings/{pk}/"),
    (findings.TestIssuedInReportingMatrix, lambda obj: obj.title, "/findings/{pk}/"),
    (evidence.TestEvidenceInFieldworkMatrix, lambda obj: obj.description, "/evidence/{pk}/"),
    (engagements.TestEngagementMatrix, lambda obj: obj.title, "/engagements/{pk}/"),
    (grievances.TestReceivedGrievanceMatrix, lambda obj: obj.tracking_code, "/grievances/{pk}/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("matrix", "words", "link"), SEARCHED, ids=[m.__name__ for m, _w, _l in SEARCHED]
)
def test_search_page_matrix(matrix, words, link, actor):
    world, obj = matrix().setup_world()
    browser = Client()
    if actor != "anonymous":
        browser.force_login(world.actor(actor))
    response = browser.get("/search/", {"q": words(obj)})
    if actor == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    found = f'href="{link.format(pk=obj.pk)}"' in response.content.decode()
    assert found == (actor in matrix.visible), (actor, words(obj))


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
