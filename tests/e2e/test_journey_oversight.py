"""Journey: the oversight user (a Senate staffer) reads the latest issued findings on the
home page and the dashboard's charts with their numbers, and cannot change anything."""

import pytest
from playwright.sync_api import expect

from audits.choices import EngagementStatus, Severity
from tests.factories import IssuedFindingFactory
from tests.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db):
    world = build_world(status=EngagementStatus.REPORTING)
    IssuedFindingFactory(
        engagement=world.engagement,
        title="Dike crest left unpaved",
        severity=Severity.HIGH,
        amount="2150000.00",
    )
    return world


def test_oversight_reads_the_dashboard(page, live_server, login, world, screenshot):
    login(page, live_server, world.users["oversight"])
    latest = page.locator("#latest-findings")
    expect(latest).to_contain_text("Dike crest left unpaved")
    screenshot(page, "01-home-latest-findings")

    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard/")
    expect(page.locator("h1")).to_have_text("Dashboard")
    by_agency = page.locator("figure.chart", has_text="agency").first
    expect(by_agency.locator("table")).to_contain_text("District Engineering Office")
    # the chart images load (under the CSP) and say what they show
    images = page.locator("figure.chart img")
    for index in range(images.count()):
        image = images.nth(index)
        assert image.get_attribute("alt")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "02-dashboard")

    # reading only: the finding has no buttons that move it
    page.goto(f"{live_server.url}/findings/")
    page.locator("#results tbody tr", has_text="Dike crest left unpaved").locator("a").first.click()
    page.wait_for_url("**/findings/*/")
    expect(page.locator("button[data-move]")).to_have_count(0)
    screenshot(page, "03-finding-read-only")
