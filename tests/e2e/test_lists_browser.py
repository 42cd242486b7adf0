"""The lists and the search box in a real browser: filter by ticking boxes, sort by a
column header, export what is filtered; on a 360 px phone nothing scrolls sideways."""

import csv
import io
from pathlib import Path

import pytest

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
            reference=f"AOM-2026-{number:03d}",
            title=f"Overpriced culvert, segment {number}",
            severity=Severity.HIGH if number % 2 else Severity.LOW,
            amount=f"{(number + 1) * 100000}.00",
        )
    return world


def test_filter_sort_and_export_findings(page, live_server, login, world):
    login(page, live_server, world.users["supervisor"])
    page.fill("#site-search", "culvert")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search/?q=culvert")
    assert page.locator("#group-findings li").count() == 4

    page.goto(f"{live_server.url}/findings/")
    assert page.locator("#filter-panel").evaluate("panel => panel.open")  # wide screen
    page.check("#filters input[name=severity][value=high]")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**severity=high**")
    assert page.locator("#results tbody tr").count() == 2

    page.click("#results th >> text=Amount")
    page.wait_for_url("**sort=amount**")
    page.click("#results th >> text=Amount")
    page.wait_for_url("**sort=-amount**")
    header = page.locator("#results th[aria-sort]")
    assert header.get_attribute("aria-sort") == "descending"
    first = page.locator("#results tbody tr").first.inner_text()
    assert "AOM-2026-003" in first and "400,000.00" in first

    with page.expect_download() as download:
        page.click("#export-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == ["AOM-2026-003", "AOM-2026-001"]


def test_lists_fit_a_360px_phone(browser, live_server, login, world):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        login(page, live_server, world.users["supervisor"])
        for path in ["/findings/", "/recommendations/", "/sanctions/", "/grievances/", "/reports/"]:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (path, width)
        page.goto(live_server.url + "/findings/")
        # the rows come first on a phone: the filters wait behind "Filter and sort"
        assert page.locator("#filter-panel").evaluate("panel => !panel.open")
        assert page.locator("#results tbody tr").first.is_visible()
        # each row is a card whose cells name their column
        label = page.locator("#results tbody td").first.evaluate(
            "cell => getComputedStyle(cell, '::before').content"
        )
        assert "Reference" in label
    finally:
        context.close()
