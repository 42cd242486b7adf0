"""`?search=` on every API list, and the search function behind it and the /search/ page:
matches text fields, never widens what the caller may see; full-text with a GIN index on
PostgreSQL (those tests run when the suite runs on PostgreSQL)."""

import importlib

import pytest
from django.db import connection
from drf_spectacular.generators import SchemaGenerator

from audits.choices import EngagementStatus, FindingStatus
from audits.models import Finding
from audits.search import SEARCH_FIELDS, site_search, text_search
from grievances.models import Grievance
from tests.conftest import client_for
from tests.factories import IssuedFindingFactory
from tests.findings_setup import add_recommendation, make_evidence, make_finding
from tests.grievances.factories import file_grievance
from tests.world import build_world

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.REPORTING)


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_findings_search_matches_text_fields_within_scope(world):
    culvert = make_finding(world, FindingStatus.ISSUED, title="Overpriced culvert")
    draft = IssuedFindingFactory(
        engagement=world.engagement, status=FindingStatus.DRAFT, title="Culvert draft"
    )
    elsewhere = IssuedFindingFactory(engagement=world.other_engagement, title="Culvert elsewhere")
    supervisor = client_for(world.users["supervisor"])
    assert ids(supervisor.get("/api/v1/findings/", {"search": "culvert"})) == {
        culvert.pk,
        draft.pk,
        elsewhere.pk,
    }
    assert ids(supervisor.get("/api/v1/findings/", {"search": "overpriced culvert"})) == {
        culvert.pk
    }
    # the agency sees only what was issued to it, search or not
    respondent = client_for(world.users["agency_respondent"])
    assert ids(respondent.get("/api/v1/findings/", {"search": "culvert"})) == {culvert.pk}
    assert ids(respondent.get("/api/v1/findings/", {"search": "elsewhere"})) == set()


def test_search_reaches_the_narrative_fields(world):
    finding = IssuedFindingFactory(engagement=world.engagement, condition="Sirang tulay sa Purok 3")
    supervisor = client_for(world.users["supervisor"])
    assert ids(supervisor.get("/api/v1/findings/", {"search": "tulay"})) == {finding.pk}


@pytest.mark.parametrize(
    ("url", "make", "words"),
    [
        (
            "/api/v1/recommendations/",
            lambda w: add_recommendation(w, make_finding(w), "Blacklist the supplier"),
            "blacklist",
        ),
        (
            "/api/v1/evidence/",
            lambda w: make_evidence(w.engagement, w.users["team_leader"], "Geotagged dike"),
            "geotagged",
        ),
        ("/api/v1/engagements/", lambda w: w.engagement, None),
        ("/api/v1/users/", lambda w: w.users["team_cso"], "team_cso"),
        ("/api/v1/organizations/", lambda w: w.cso, "river watch"),
        ("/api/v1/grievances/", lambda w: file_grievance(description="Baha sa kalsada"), "baha"),
    ],
)
def test_every_list_honours_search(world, url, make, words):
    obj = make(world)
    words = words or obj.title
    supervisor = client_for(world.users["sai_admin"])
    assert obj.pk in ids(supervisor.get(url, {"search": words}))
    assert ids(supervisor.get(url, {"search": "zzqx-no-such-word"})) == set()


def test_search_on_a_single_object_is_ignored(world):
    finding = IssuedFindingFactory(engagement=world.engagement)
    response = client_for(world.users["supervisor"]).get(
        f"/api/v1/findings/{finding.pk}/", {"search": "zzqx-no-such-word"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("words", ["\x00", "a" * 5000, "' OR 1=1 --", "%", "_", "-", '"', "()"])
def test_odd_search_input_is_never_an_error(world, words):
    response = client_for(world.users["supervisor"]).get("/api/v1/findings/", {"search": words})
    assert response.status_code == 200


def test_every_list_documents_search_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # The collections (not one object's history, notes or payments, which are plain lists).
    lists = [
        (path, item["get"])
        for path, item in schema["paths"].items()
        if "get" in item and item["get"]["operationId"].endswith("_list") and "{id}" not in path
    ]
    assert len(lists) >= 10
    for path, operation in lists:
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert "search" in names, path


def test_site_search_groups_by_kind_within_scope(world):
    finding = make_finding(world, FindingStatus.ISSUED, title="Ghost employees on payroll")
    add_recommendation(world, make_finding(world), "Remove ghost employees")
    make_evidence(world.engagement, world.users["team_leader"], "Payroll of ghost employees")
    groups = {group["key"]: group for group in site_search(world.users["supervisor"], "ghost")}
    assert set(groups) == {"findings", "recommendations", "evidence"}
    assert groups["findings"]["results"][0]["url"] == f"/findings/{finding.pk}/"
    # the agency sees the issued finding, not the draft's recommendation nor team evidence
    respondent = {g["key"] for g in site_search(world.users["agency_respondent"], "ghost")}
    assert respondent == {"findings"}
    assert site_search(world.users["other_agency_respondent"], "ghost") == []
    assert site_search(world.users["supervisor"], "   ") == []


def test_site_search_says_when_there_is_more(world):
    for _ in range(12):
        IssuedFindingFactory(engagement=world.engagement, title="Duplicate payment")
    (group,) = site_search(world.users["supervisor"], "duplicate")
    assert len(group["results"]) == 10 and group["more"]


def test_search_page_and_header_box(world):
    from django.test import Client

    make_finding(world, FindingStatus.ISSUED, title="Unliquidated cash advance")
    browser = Client()
    browser.force_login(world.users["supervisor"])
    page = browser.get("/search/", {"q": "unliquidated"}).content.decode()
    assert 'role="search"' in page and 'id="site-search"' in page and 'action="/search/"' in page
    assert 'id="group-findings"' in page and "Unliquidated cash advance" in page
    assert "/findings/?search=unliquidated" not in page  # only when there is more
    empty = browser.get("/search/", {"q": "zzqx"}).content.decode()
    assert "Nothing you may see matches" in empty
    home = browser.get("/").content.decode()
    assert '<input type="search" name="q" id="site-search"' in home


def test_the_migrations_index_exactly_the_searched_fields():
    audits = importlib.import_module("audits.migrations.0004_search_indexes")
    grievances = importlib.import_module("grievances.migrations.0003_search_indexes")
    indexed = {
        label: fields for label, (_name, fields) in {**audits.INDEXES, **grievances.INDEXES}.items()
    }
    searched = {label: fields for label, fields in SEARCH_FIELDS.items() if label in indexed}
    assert indexed == searched
    assert set(SEARCH_FIELDS) - set(indexed) == {"audits.Sanction"}  # references: unique index


@on_postgresql
def test_postgresql_search_uses_the_gin_index(world):
    IssuedFindingFactory(engagement=world.engagement, title="Overpriced culvert")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = text_search(Finding.objects.order_by(), "culvert").explain()
        grievance_plan = text_search(Grievance.objects.order_by(), "baha").explain()
    assert "finding_search_gin" in plan
    assert "grievance_search_gin" in grievance_plan


@on_postgresql
def test_postgresql_search_is_full_text_with_web_syntax(world):
    both = IssuedFindingFactory(engagement=world.engagement, title="Overpriced culvert pipes")
    only = IssuedFindingFactory(engagement=world.engagement, title="Overpriced asphalt")
    found = text_search(Finding.objects.all(), "overpriced -culvert")
    assert set(found) == {only}
    phrase = text_search(Finding.objects.all(), '"culvert pipes"')
    assert set(phrase) == {both}
    ranked = text_search(Finding.objects.all(), "overpriced", ranked=True)
    assert all(row.search_rank > 0 for row in ranked)


@pytest.mark.parametrize(
    "params",
    [
        {"amount_min": "1e999999"},
        {"amount_max": "NaN"},
        {"amount_min": "12345678901234567890"},
        {"year": "99999999999"},
        {"year": "-1"},
        {"agency": "999999999"},
    ],
)
def test_bad_list_filters_are_a_400_not_an_error(world, params):
    response = client_for(world.users["supervisor"]).get("/api/v1/findings/", params)
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(params)


LISTS = [
    "/api/v1/engagements/",
    "/api/v1/findings/",
    "/api/v1/recommendations/",
    "/api/v1/responses/",
    "/api/v1/evidence/",
    "/api/v1/sanctions/",
    "/api/v1/grievances/",
    "/api/v1/reports/",
    "/api/v1/procedures/",
    "/api/v1/review-notes/",
    "/api/v1/programme-templates/",
    "/api/v1/users/",
    "/api/v1/organizations/",
    "/api/v1/security-events/",
    "/api/v1/auth/tokens/",
]
GARBAGE_WORDS = ["\x00", "nul\x00x", "x" * 100_000, "💥" * 300, "' OR 1=1 --", "!&|:*()<->"]


@pytest.mark.parametrize("url", LISTS)
def test_garbage_search_on_every_list_is_never_a_500(world, url):
    client = client_for(world.users["sai_admin"])
    for words in GARBAGE_WORDS:
        response = client.get(url, {"search": words})
        assert response.status_code == 200, (url, words, response.status_code)


@pytest.mark.parametrize(
    "url", ["/findings/", "/recommendations/", "/sanctions/", "/grievances/", "/reports/"]
)
def test_garbage_on_the_list_pages_is_never_a_500(world, url):
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["supervisor"])
    garbage = {
        "search": "nul\x00x",
        "status": ["bogus", "\x00"],
        "agency": "1e999",
        "year": "\x00",
        "amount_min": "1e999999",
        "overdue": "\x00",
        "sort": "-\x00",
        "page": "-1",
    }
    for params in (garbage, {**garbage, "export": "csv"}):
        assert browser.get(url, params).status_code == 200
    assert browser.get("/search/", {"q": "nul\x00x" + "💥" * 300}).status_code == 200


def test_a_grievance_is_found_by_its_code_as_people_write_it(world):
    grievance = file_grievance()
    admin = client_for(world.users["sai_admin"])
    for typed in (grievance.grouped_code, grievance.grouped_code.lower(), grievance.tracking_code):
        assert ids(admin.get("/api/v1/grievances/", {"search": typed})) == {grievance.pk}, typed
    (group,) = site_search(world.users["sai_admin"], grievance.grouped_code)
    assert group["results"][0]["url"] == f"/grievances/{grievance.pk}/"
    # nobody outside its audience finds it by code
    assert site_search(world.users["other_agency_respondent"], grievance.grouped_code) == []


def test_search_page_query_count_is_constant_as_matches_grow(world, django_assert_max_num_queries):
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def grow(count):
        for _ in range(count):
            finding = IssuedFindingFactory(engagement=world.engagement, title="Ghost payroll")
            finding.recommendations.create(engagement=world.engagement, text="Ghost payroll")
            make_evidence(world.engagement, world.users["team_leader"], "Ghost payroll list")
            file_grievance(description="Ghost payroll in the barangay")

    browser = Client()
    browser.force_login(world.users["supervisor"])
    grow(3)
    with CaptureQueriesContext(db) as measured:
        assert browser.get("/search/", {"q": "ghost payroll"}).status_code == 200
    grow(27)
    with django_assert_max_num_queries(len(measured.captured_queries)):
        page = browser.get("/search/", {"q": "ghost payroll"}).content.decode()
    assert page.count('href="/findings/?search=ghost%20payroll"') == 1
