"""The dashboards in a real browser: every chart image loads under the site's
Content-Security-Policy (no violation reported), the tables sit beside the charts, and
printed the page drops the header and keeps each chart whole."""

import datetime

import pytest

from audits.choices import EngagementStatus
from tests.e2e.conftest import log_in
from tests.factories import IssuedFindingFactory, SanctionFactory
from tests.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _world():
    world = build_world(status=EngagementStatus.REPORTING)
    finding = IssuedFindingFactory(engagement=world.engagement, severity="high")
    SanctionFactory(finding=finding, issued_on=datetime.date(2026, 4, 1))
    return world


def _check_charts(page, url):
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(url)
    images = page.locator("figure.chart img")
    assert images.count() >= 4
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")
        assert image.get_attribute("alt")
    assert page.locator("figure.chart table").count() == images.count()
    assert not [text for text in violations if "Content Security Policy" in text], violations
    page.emulate_media(media="print")
    assert page.locator("header.site-header").is_hidden()
    assert page.locator("figure.chart").first.evaluate(
        "el => getComputedStyle(el).breakInside"
    ) in ("avoid", "avoid-page")


def test_public_dashboard_charts_load(page, live_server):
    _world()
    _check_charts(page, f"{live_server.url}/public/dashboard/")


def test_supervisor_dashboard_charts_load(page, live_server):
    world = _world()
    log_in(page, live_server, world.users["supervisor"])
    _check_charts(page, f"{live_server.url}/dashboard/")
    page.emulate_media(media="screen")
    assert page.get_by_role("link", name="Dashboard").first.is_visible()
