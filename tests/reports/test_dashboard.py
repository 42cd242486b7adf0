"""The dashboards: the tables carry the numbers of the data, each role counts only its
own scope, the public only what is published, the charts are SVG images with their
labels, and a page costs the same number of queries for few rows as for many."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.choices import EngagementStatus, RecommendationStatus, ResponseKind, Role
from audits.models import Recommendation, Response, SanctionPayment
from grievances.choices import GrievanceStatus
from reports.dashboard import CHARTS, table
from reports.rendering import charts
from tests.factories import EngagementFactory, IssuedFindingFactory, SanctionFactory, UserFactory
from tests.grievances.factories import file_grievance
from tests.world import build_world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _days(n):
    return TODAY + datetime.timedelta(days=n)


def _finding(engagement, **fields):
    return IssuedFindingFactory(engagement=engagement, **fields)


def _recommend(finding, status):
    return Recommendation.objects.create(
        finding=finding,
        engagement=finding.engagement,
        text="Recover the overpayment.",
        status=status,
    )


def _reply(finding):
    return Response.objects.create(
        finding=finding,
        engagement=finding.engagement,
        kind=ResponseKind.MANAGEMENT_COMMENT,
        body="We disagree.",
        author=UserFactory(role=Role.AGENCY_RESPONDENT, organization=finding.engagement.auditee),
    )


@pytest.fixture
def data():
    """Two engagements in reporting (the world's: a team one and an outsider's) and one of
    the same SAI still in fieldwork, with findings, recommendations, notices, payments."""
    world = build_world(status=EngagementStatus.REPORTING)
    team, other = world.engagement, world.other_engagement
    fieldwork = EngagementFactory(sai=world.sai, auditee=world.agency, status="fieldwork")
    on_time = _finding(team, severity="high", response_due=_days(5), amount=Decimal("900000"))
    _reply(on_time)
    late = _finding(team, severity="high", response_due=_days(-10))
    _reply(late)
    lapsed = _finding(
        team, severity="critical", response_due=_days(-20), deemed_accepted_on=_days(-19)
    )
    waiting = _finding(other, severity="low", response_due=_days(3))
    _finding(team, severity="medium", status="draft", issued_on=None, response_due=None)
    _finding(fieldwork, severity="medium")  # issued, but the engagement is not public yet
    _recommend(on_time, RecommendationStatus.IMPLEMENTED)
    _recommend(late, RecommendationStatus.ONGOING)
    _recommend(lapsed, RecommendationStatus.IMPLEMENTED)
    _recommend(lapsed, RecommendationStatus.NOT_APPLICABLE)
    _recommend(waiting, RecommendationStatus.NOT_IMPLEMENTED)
    march = SanctionFactory(
        finding=on_time, amount="150000.00", issued_on=datetime.date(2026, 3, 5)
    )
    SanctionFactory(finding=late, amount="50000.00", issued_on=datetime.date(2026, 4, 1))
    SanctionFactory(
        finding=late,
        kind="notice_of_suspension",
        amount="999.00",
        issued_on=datetime.date(2026, 4, 1),
    )
    SanctionPayment.objects.create(
        sanction=march,
        engagement=team,
        paid_on=datetime.date(2026, 4, 20),
        amount=Decimal("40000.00"),
        receipt_reference="OR-1",
        recorded_by=world.users["team_leader"],
    )
    file_grievance(agency=world.agency)  # received: not public yet
    file_grievance(agency=world.agency, status=GrievanceStatus.UNDER_REVIEW)
    return world


def _tables(response) -> dict:
    return {figure["name"]: figure["table"]["rows"] for figure in response.context["figures"]}


def _get(user, url="/dashboard/"):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_supervisor_tables_match_the_data(data):
    response = _get(data.users["supervisor"])
    assert response.status_code == 200
    tables = _tables(response)
    assert dict((row[0], row[1]) for row in tables["engagements-by-status"]) == {
        "Planning": "0",
        "Fieldwork": "1",
        "Reporting": "2",
        "Follow-up": "0",
        "Closed": "0",
    }
    assert dict((r[0], r[1]) for r in tables["findings-by-severity"]) == {
        "Low": "1",
        "Medium": "2",
        "High": "2",
        "Critical": "1",
    }
    assert dict((r[0], r[1]) for r in tables["findings-by-agency"]) == {
        "District Engineering Office": "5",
        "Provincial Health Office": "1",
    }
    assert tables["amounts-by-month"] == [
        ["Mar 2026", "₱150,000.00", "₱0.00"],
        ["Apr 2026", "₱50,000.00", "₱40,000.00"],
    ]
    year = IssuedFindingFactory._meta.model.objects.first().issued_on.year
    assert tables["implementation-rate"] == [
        [f"District Engineering Office {year}", "66.7%", "2", "3"],
        [f"Provincial Health Office {year}", "0.0%", "0", "1"],
    ]
    assert [r[1] for r in tables["reply-timeliness"]] == ["1", "1", "2", "1"]
    assert tables["grievances-by-month"] == [[TODAY.strftime("%b %Y"), "2"]]
    # Taking it under review posts the first public update the same day.
    assert [r[1] for r in tables["grievance-response-time"]] == ["1", "0", "0", "0", "1"]
    html = response.content.decode()
    assert html.count('<figure class="chart"') == 8
    assert "₱150,000.00" in html and "<figcaption" in html
    assert 'src="/dashboard/charts/findings-by-severity.svg"' in html


def test_an_auditor_counts_only_their_engagements(data):
    tables = _tables(_get(data.users["outsider_auditor"]))
    assert dict((r[0], r[1]) for r in tables["findings-by-agency"]) == {
        "Provincial Health Office": "1"
    }
    assert dict((r[0], r[1]) for r in tables["engagements-by-status"])["Reporting"] == "1"
    assert tables["amounts-by-month"] == []


def test_oversight_and_public_count_only_issued_findings_of_reported_engagements(data):
    for response in (_get(data.users["oversight"]), _get(None, "/public/dashboard/")):
        assert response.status_code == 200
        tables = _tables(response)
        severities = dict((r[0], r[1]) for r in tables["findings-by-severity"])
        assert severities == {"Low": "1", "Medium": "0", "High": "2", "Critical": "1"}
        statuses = dict((r[0], r[1]) for r in tables["engagements-by-status"])
        assert statuses.get("Fieldwork", "0") == "0" and statuses["Reporting"] == "2"
    public = _tables(_get(None, "/public/dashboard/"))
    assert "Planning" not in dict((r[0], r[1]) for r in public["engagements-by-status"])
    assert [r[1] for r in public["grievances-by-month"]] == ["1"]  # not the one just received


@pytest.mark.parametrize("role", ["cso_auditor", "agency_respondent"])
def test_roles_without_a_dashboard_are_refused(role):
    user = UserFactory(role=role)
    assert _get(user).status_code == 403
    assert _get(user, "/dashboard/charts/findings-by-severity.svg").status_code == 403


def test_anonymous_is_sent_to_login_but_reads_the_public_dashboard():
    response = _get(None)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _get(None, "/public/dashboard/").status_code == 200


@pytest.mark.parametrize("url", ["/public/dashboard/charts/{}.svg", "/dashboard/charts/{}.svg"])
@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("findings-by-severity", "Critical"),
        ("findings-by-agency", "District Engineering Office"),
        ("amounts-by-month", "Settled"),
        ("reply-timeliness", "Replied late"),
        ("engagements-by-status", "Reporting"),
    ],
)
def test_chart_svg_parses_and_carries_its_labels(data, url, name, label):
    response = _get(data.users["supervisor"], url.format(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "style-src 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    texts = " ".join(element.text or "" for element in root.iter())
    assert label in texts


def test_unknown_chart_is_404(data):
    assert _get(data.users["supervisor"], "/dashboard/charts/nothing.svg").status_code == 404


def test_page_keeps_its_strict_policy(data):
    response = _get(data.users["supervisor"])
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def _grow(world, n):
    for index in range(n):
        finding = _finding(world.engagement, severity="high", response_due=_days(-index))
        _reply(finding)
        _recommend(finding, RecommendationStatus.IMPLEMENTED)
        sanction = SanctionFactory(
            finding=finding, issued_on=datetime.date(2026, 1 + index % 12, 2)
        )
        SanctionPayment.objects.create(
            sanction=sanction,
            engagement=world.engagement,
            paid_on=datetime.date(2026, 1 + index % 12, 20),
            amount=Decimal("10.00"),
            receipt_reference=f"OR-{index}",
            recorded_by=world.users["team_leader"],
        )
        agency = EngagementFactory(sai=world.sai, status="reporting").auditee
        _finding(EngagementFactory(sai=world.sai, auditee=agency, status="reporting"))
        file_grievance(agency=world.agency, status=GrievanceStatus.UNDER_REVIEW)


@pytest.mark.parametrize("who", ["supervisor", "team_leader", "oversight", None])
def test_query_count_is_constant_as_rows_grow(data, who, settings, django_assert_max_num_queries):
    settings.PUBLIC_DASHBOARD_CACHE_SECONDS = 0  # count the queries, not the cache
    user = data.users[who] if who else None
    prefix = "/dashboard/" if who else "/public/dashboard/"
    urls = [prefix] + [f"{prefix}charts/{name}.svg" for name in CHARTS]
    client = Client()
    if user:
        client.force_login(user)
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        few[url] = len(captured.captured_queries)
    assert few[prefix] <= 14, few  # the eight charts, the session and the user
    _grow(data, 12)
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            assert client.get(url).status_code == 200


def test_dashboard_is_linked_for_its_readers_only(data):
    assert 'href="/dashboard/"' in _get(data.users["supervisor"], "/published/").content.decode()
    assert 'href="/dashboard/"' in _get(data.users["oversight"], "/published/").content.decode()
    assert 'href="/dashboard/"' not in _get(data.users["team_cso"], "/published/").content.decode()
    assert 'href="/public/dashboard/"' in _get(None, "/published/").content.decode()
    assert 'href="/public/dashboard/"' in _get(None, "/accounts/login/").content.decode()


def test_the_pdf_and_the_page_draw_the_same_chart():
    """One definition: the citizen report's bar_chart is `draw` of a Chart, and the SVG
    the page shows renders that same Drawing."""
    items = [("AOM-001", 1200.0), ("AOM-002", 5400.0)]
    drawing = charts.bar_chart("Money in question", items, width=400, money=True)
    chart = charts.Chart(
        "Money in question",
        ["AOM-001", "AOM-002"],
        [("", [1200.0, 5400.0])],
        unit=charts.MONEY,
        ranked=True,
    )
    same = charts.draw(chart, width=400)
    assert (drawing.width, drawing.height) == (same.width, same.height)
    labels = [label for label in drawing.contents[1].categoryAxis.categoryNames]
    assert labels == ["AOM-001", "AOM-002"]  # largest last: drawn bottom-up, largest on top
    svg = charts.svg(chart, width=400)
    assert "AOM-001" in svg and "5,400" in svg and "<title>Money in question</title>" in svg


def test_many_labels_stay_legible_and_the_table_lists_them_all():
    names = [f"Agency {n:02d}" for n in range(30)]
    rate = charts.Chart(
        "Rate",
        names,
        [("Implemented (%)", [50.0] * 30)],
        unit=charts.PERCENT,
        weights=list(range(30)),
    )
    labels, values = rate.shown()
    assert labels == names[-charts.MAX_BARS :]  # the heaviest, in their order, not summed
    assert values == [[50.0] * charts.MAX_BARS]
    months = charts.Chart("By month", names, [("A", list(range(30))), ("B", [0] * 30)])
    assert months.shown()[0] == names[-charts.MAX_GROUPS :]
    ranked = charts.Chart("Ranked", names, [("n", [1] * 30)], ranked=True)
    labels, values = ranked.shown()
    assert labels[-1] == "…" and sum(values[0]) == 30
    assert len(table(rate)["rows"]) == 30


def test_public_figures_are_cached_a_few_minutes(data, settings, django_assert_max_num_queries):
    settings.PUBLIC_DASHBOARD_CACHE_SECONDS = 300
    before = _tables(_get(None, "/public/dashboard/"))
    _grow(data, 2)
    with django_assert_max_num_queries(0):
        assert _tables(_get(None, "/public/dashboard/")) == before
        assert _get(None, "/public/dashboard/charts/findings-by-agency.svg").status_code == 200
    cache.clear()
    assert _tables(_get(None, "/public/dashboard/")) != before
    supervisor = _tables(_get(data.users["supervisor"]))
    _grow(data, 1)
    assert _tables(_get(data.users["supervisor"])) != supervisor  # a user's: never cached


def test_user_text_in_a_chart_is_escaped():
    chart = charts.Chart(
        "Findings by agency", ['<script>alert(1)</script> & "Co"'], [("Findings", [3])]
    )
    text = charts.svg(chart)
    root = ET.fromstring(text)
    assert "<script" not in text
    assert '<script>alert(1)</script> & "Co"' in " ".join(e.text or "" for e in root.iter())
    assert not [e for e in root.iter() if e.tag.endswith("script")]
