"""Lists across engagements (/findings/, /recommendations/, /sanctions/, /grievances/,
/reports/): filters, sorting, pages, CSV export of exactly the filtered rows, scoping, and a
constant number of queries as rows grow."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.choices import EngagementStatus, FindingStatus, Severity
from audits.models import User
from reports.models import Report
from tests.factories import EngagementFactory, IssuedFindingFactory, SanctionFactory
from tests.findings_setup import make_finding
from tests.grievances.factories import file_grievance
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.REPORTING)


def browser(user):
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-row="(\d+)"', response.content.decode())]


@pytest.fixture
def findings(world):
    """Issued, high, ₱2,000,000 in the world's engagement (a district office below a
    department); a draft, low, ₱10,000 in another agency's engagement."""
    big = make_finding(world, FindingStatus.ISSUED, title="Overpriced culvert", amount="2000000.00")
    big.severity = Severity.HIGH
    big.save()
    small = IssuedFindingFactory(
        engagement=world.other_engagement,
        status=FindingStatus.DRAFT,
        issued_on=None,
        response_due=None,
        title="Missing logbook",
        amount="10000.00",
        severity=Severity.LOW,
    )
    return big, small


def test_findings_page_has_the_filter_form_table_and_export(world, findings):
    big, small = findings
    page = browser(world.users["supervisor"]).get("/findings/")
    body = page.content.decode()
    assert page.status_code == 200
    assert '<form method="get" id="filters"' in body and '<table id="results"' in body
    assert set(row_ids(page)) == {big.pk, small.pk}
    assert "₱2,000,000.00" in body
    assert 'href="?export=csv"' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"severity": "high"}, {"big"}),
        ({"status": ["issued", "draft"]}, {"big", "small"}),
        ({"status": "draft"}, {"small"}),
        ({"amount_min": "1000000"}, {"big"}),
        ({"amount_max": "10000"}, {"small"}),
        ({"search": "culvert"}, {"big"}),
        ({"year": "1999"}, set()),
    ],
)
def test_findings_filters(world, findings, query, expected):
    big, small = findings
    names = {big.pk: "big", small.pk: "small"}
    page = browser(world.users["supervisor"]).get("/findings/", query)
    assert {names[pk] for pk in row_ids(page)} == expected


def test_agency_filter_includes_the_agencys_offices(world, findings):
    big, small = findings
    department = world.agency.parent
    supervisor = browser(world.users["supervisor"])
    assert row_ids(supervisor.get("/findings/", {"agency": department.pk})) == [big.pk]
    assert row_ids(supervisor.get("/findings/", {"agency": world.agency.pk})) == [big.pk]
    other = world.other_engagement.auditee
    assert row_ids(supervisor.get("/findings/", {"agency": other.pk})) == [small.pk]


def test_year_filter_is_the_year_recorded(world, findings):
    big, small = findings
    this_year = timezone.localdate().year
    page = browser(world.users["supervisor"]).get("/findings/", {"year": this_year})
    assert set(row_ids(page)) == {big.pk, small.pk}


def test_overdue_findings_are_issued_and_unanswered_past_their_due_date(world, findings):
    big, small = findings
    late = IssuedFindingFactory(
        engagement=world.engagement, response_due=timezone.localdate() - datetime.timedelta(1)
    )
    supervisor = browser(world.users["supervisor"])
    assert row_ids(supervisor.get("/findings/", {"overdue": "true"})) == [late.pk]
    assert late.pk not in row_ids(supervisor.get("/findings/", {"overdue": "false"}))


def test_bad_filter_input_is_shown_beside_the_field_and_kept(world, findings):
    page = browser(world.users["supervisor"]).get(
        "/findings/", {"year": "twenty", "amount_min": "lots", "severity": "huge"}
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert row_ids(page) == []  # nothing shown rather than a silently unfiltered list
    assert 'id="id_year-errors"' in body and 'id="id_amount_min-errors"' in body
    assert 'value="twenty"' in body and 'value="lots"' in body
    assert 'role="alert"' in body


def test_csv_export_is_exactly_the_filtered_rows_of_every_page(world):
    for number in range(60):
        IssuedFindingFactory(
            engagement=world.engagement, reference=f"AOM-{number:03d}", amount=Decimal(number)
        )
    IssuedFindingFactory(engagement=world.other_engagement, reference="AOM-OTHER")
    supervisor = browser(world.users["supervisor"])
    page = supervisor.get("/findings/", {"agency": world.agency.pk, "sort": "reference"})
    assert len(row_ids(page)) == 50 and "page 1 of 2" in page.content.decode()
    second = supervisor.get(
        "/findings/", {"agency": world.agency.pk, "sort": "reference", "page": 2}
    )
    assert len(row_ids(second)) == 10
    exported = csv_rows(
        supervisor.get(
            "/findings/", {"agency": world.agency.pk, "sort": "reference", "export": "csv"}
        )
    )
    header, *rows = exported
    assert header[:2] == ["Reference", "Title"]
    assert [row[0] for row in rows] == [f"AOM-{n:03d}" for n in range(60)]
    assert rows[5][header.index("Amount")] == "5.00"
    assert rows[0][header.index("Issued on")] == "2026-03-02"


def test_csv_cells_never_start_a_formula(world):
    IssuedFindingFactory(engagement=world.engagement, title='=HYPERLINK("http://evil")')
    rows = csv_rows(browser(world.users["supervisor"]).get("/findings/", {"export": "csv"}))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_sorting_by_column_header_with_aria_sort(world):
    low = IssuedFindingFactory(engagement=world.engagement, amount="5.00")
    high = IssuedFindingFactory(engagement=world.engagement, amount="500.00")
    supervisor = browser(world.users["supervisor"])
    ascending = supervisor.get("/findings/", {"sort": "amount"})
    assert row_ids(ascending) == [low.pk, high.pk]
    assert re.search(
        r'aria-sort="ascending"[^>]*>\s*<a href="\?&amp;sort=-amount"', ascending.content.decode()
    )
    descending = supervisor.get("/findings/", {"sort": "-amount"})
    assert row_ids(descending) == [high.pk, low.pk]
    assert 'aria-sort="descending"' in descending.content.decode()
    # an unknown column falls back to the default order, never an error
    assert supervisor.get("/findings/", {"sort": "password"}).status_code == 200


def test_lists_show_only_what_the_caller_may_see(world, findings):
    big, small = findings
    respondent = browser(world.users["agency_respondent"])
    assert row_ids(respondent.get("/findings/")) == [big.pk]
    rows = csv_rows(respondent.get("/findings/", {"export": "csv"}))
    assert [row[0] for row in rows[1:]] == [big.reference]
    assert row_ids(browser(world.users["other_agency_respondent"]).get("/findings/")) == []
    # a filter naming an agency does not widen the scope
    outsider = browser(world.users["other_agency_respondent"])
    assert row_ids(outsider.get("/findings/", {"agency": world.agency.pk})) == []


def test_anonymous_visitors_are_sent_to_log_in():
    for url in ["/findings/", "/recommendations/", "/sanctions/", "/grievances/", "/reports/"]:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sanctions_list_filters_by_amount_and_overdue(world):
    finding = IssuedFindingFactory(engagement=world.engagement)
    running = SanctionFactory(finding=finding, amount="150000.00", issued_on=timezone.localdate())
    lapsed = SanctionFactory(finding=finding, amount="900.00", issued_on=datetime.date(2020, 1, 6))
    supervisor = browser(world.users["supervisor"])
    assert row_ids(supervisor.get("/sanctions/", {"amount_min": "1000"})) == [running.pk]
    assert row_ids(supervisor.get("/sanctions/", {"overdue": "true"})) == [lapsed.pk]
    assert row_ids(supervisor.get("/sanctions/", {"year": "2020"})) == [lapsed.pk]
    page = supervisor.get("/sanctions/").content.decode()
    assert "₱150,000.00" in page


def test_recommendations_list_filters_overdue(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    recommendation = finding.recommendations.get()
    supervisor = browser(world.users["supervisor"])
    assert row_ids(supervisor.get("/recommendations/", {"status": "not_implemented"})) == [
        recommendation.pk
    ]
    assert row_ids(supervisor.get("/recommendations/", {"status": "implemented"})) == []
    assert row_ids(supervisor.get("/recommendations/", {"overdue": "true"})) == []


def test_grievances_list_keeps_its_statistics_link_and_filters(world):
    late = file_grievance()
    late.verify_due = datetime.date(2020, 1, 6)
    late.save()
    fresh = file_grievance(agency=world.agency)
    supervisor = browser(world.users["supervisor"])
    page = supervisor.get("/grievances/")
    assert set(row_ids(page)) == {late.pk, fresh.pk}
    assert "/grievances/statistics/" in page.content.decode()
    assert row_ids(supervisor.get("/grievances/", {"overdue": "true"})) == [late.pk]
    department = world.agency.parent
    assert row_ids(supervisor.get("/grievances/", {"agency": department.pk})) == [fresh.pk]
    rows = csv_rows(supervisor.get("/grievances/", {"export": "csv", "overdue": "true"}))
    assert len(rows) == 2 and rows[1][0] == late.grouped_code
    # contact data never reaches the list or its export
    everything = supervisor.get("/grievances/", {"export": "csv"})
    assert b"perpetua" not in b"".join(everything.streaming_content).lower()


def test_reports_list(world):
    report = Report.objects.create(
        kind="audit_report", engagement=world.engagement, requested_by=world.users["supervisor"]
    )
    supervisor = browser(world.users["supervisor"])
    assert row_ids(supervisor.get("/reports/")) == [report.pk]
    assert row_ids(supervisor.get("/reports/", {"agency": world.agency.parent.pk})) == [report.pk]
    assert row_ids(supervisor.get("/reports/", {"kind": "citizen_report"})) == []
    assert row_ids(browser(world.users["other_agency_respondent"]).get("/reports/")) == []


# Query counts: each list costs the same for 3 rows as for 30.


def _grow_findings(world, count):
    for _ in range(count):
        IssuedFindingFactory(engagement=EngagementFactory(sai=world.sai, auditee=world.agency))


def _grow_recommendations(world, count):
    for _ in range(count):
        finding = IssuedFindingFactory(engagement=world.engagement)
        finding.recommendations.create(engagement=world.engagement, text="Recover it.")


def _grow_sanctions(world, count):
    for _ in range(count):
        SanctionFactory(finding=IssuedFindingFactory(engagement=world.engagement))


def _grow_grievances(world, count):
    for _ in range(count):
        file_grievance(agency=world.agency)


def _grow_reports(world, count):
    for _ in range(count):
        Report.objects.create(
            kind="audit_report", engagement=world.engagement, requested_by=world.users["supervisor"]
        )


LISTS = [
    ("/findings/", _grow_findings),
    ("/recommendations/", _grow_recommendations),
    ("/sanctions/", _grow_sanctions),
    ("/grievances/", _grow_grievances),
    ("/reports/", _grow_reports),
]


@pytest.mark.parametrize(("url", "grow"), LISTS, ids=[url for url, _grow in LISTS])
@pytest.mark.parametrize("export", [False, True], ids=["page", "csv"])
def test_list_query_count_is_constant_as_rows_grow(
    world, django_assert_max_num_queries, url, grow, export
):
    params = {"export": "csv"} if export else {}

    def fetch():
        response = browser(world.users["supervisor"]).get(url, params)
        if export:
            return len(csv_rows(response)) - 1
        return len(row_ids(response))

    grow(world, 3)
    with CaptureQueriesContext(connection) as measured:
        assert fetch() == 3
    grow(world, 27)
    with django_assert_max_num_queries(len(measured.captured_queries)):
        assert fetch() == 30


def test_the_filter_form_also_chooses_the_order_for_phones_without_headers(world):
    low = IssuedFindingFactory(engagement=world.engagement, amount="5.00")
    high = IssuedFindingFactory(engagement=world.engagement, amount="500.00")
    page = browser(world.users["supervisor"]).get("/findings/", {"sort": "-amount"})
    body = page.content.decode()
    assert '<option value="-amount" selected>Amount, descending</option>' in body
    assert row_ids(page) == [high.pk, low.pk]
