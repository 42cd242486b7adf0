"""Journey: an auditor searches from the header, narrows the findings list with the filter
form, and exports exactly the filtered rows as CSV."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from audits.choices import EngagementStatus, Severity
from tests.factories import IssuedFindingFactory
from tests.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db):
    world = build_world(status=EngagementStatus.REPORTING)
    for number in range(4):
        IssuedFindingFactory(
            engagement=world.engagement,
            reference=f"AOM-2026-10{number}",
            title=f"Gravel paid but not delivered, lot {number}",
            severity=Severity.HIGH if number % 2 else Severity.LOW,
            amount=f"{(number + 1) * 250000}.00",
        )
    # a finding on an engagement this auditor is not on: never shown, never exported
    IssuedFindingFactory(
        engagement=world.other_engagement,
        reference="AOM-2026-999",
        title="Gravel on another team's engagement",
        severity=Severity.HIGH,
    )
    return world


def test_auditor_searches_filters_and_exports_findings(page, live_server, login, world, screenshot):
    login(page, live_server, world.users["team_auditor"])
    page.fill("#site-search", "gravel")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search/?q=gravel")
    results = page.locator("main")
    expect(results).to_contain_text("Gravel paid but not delivered, lot 0")
    expect(results).not_to_contain_text("another team's engagement")
    screenshot(page, "01-search-results")

    page.goto(f"{live_server.url}/findings/")
    expect(page.locator("#results tbody tr")).to_have_count(4)
    page.check("#filters input[name=severity][value=high]")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**severity=high**")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#results")).to_contain_text("₱1,000,000.00")
    screenshot(page, "02-findings-filtered")

    with page.expect_download() as download:
        page.click("#export-csv")
    assert "export=csv" in download.value.url and "severity=high" in download.value.url
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert sorted(row[0] for row in table[1:]) == ["AOM-2026-101", "AOM-2026-103"]
    assert all("lot 1" in " ".join(row) or "lot 3" in " ".join(row) for row in table[1:])
    screenshot(page, "03-after-export")
