"""Journey: the supervisor opens the product, reads the review queue on the home page,
opens the dashboard, and goes from the queue to the finding waiting longest."""

import pytest
from playwright.sync_api import expect

from audits.choices import EngagementStatus, Severity
from tests.factories import IssuedFindingFactory
from tests.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db):
    world = build_world(status=EngagementStatus.REPORTING)
    for number, severity in enumerate([Severity.HIGH, Severity.LOW]):
        IssuedFindingFactory(
            engagement=world.engagement,
            reference=f"AOM-2026-01{number}",
            title=f"Culvert paid twice, segment {number}",
            severity=severity,
            status="for_review",
            issued_on=None,
            response_due=None,
        )
    IssuedFindingFactory(engagement=world.engagement, title="Issued: unpaved crest")
    return world


def test_supervisor_reads_the_review_queue_and_the_dashboard(
    page, live_server, login, world, screenshot
):
    login(page, live_server, world.users["supervisor"])
    queue = page.locator("#review-queue")
    expect(queue.locator("h2")).to_contain_text("2 findings waiting for your review")
    expect(queue).to_contain_text("Culvert paid twice, segment 0")
    expect(queue).to_contain_text("Culvert paid twice, segment 1")
    expect(queue).not_to_contain_text("Issued: unpaved crest")
    screenshot(page, "01-home-review-queue")

    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard/")
    charts = page.locator("figure.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    # every chart carries its numbers in a table beside it
    for index in range(charts.count()):
        chart = charts.nth(index)
        if chart.locator("img").count():
            assert chart.locator("table").count() == 1
    severity = page.locator("figure.chart", has_text="severity")
    expect(severity.first.locator("table")).to_contain_text("High")
    screenshot(page, "02-dashboard")

    page.goto(f"{live_server.url}/")
    page.locator("#review-queue a", has_text="segment 0").click()
    page.wait_for_url("**/findings/*/")
    expect(page.locator("h1")).to_contain_text("Culvert paid twice, segment 0")
    expect(page.locator("main")).to_contain_text("For review")
    screenshot(page, "03-finding-to-review")
